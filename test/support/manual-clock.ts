// A clock that moves only when the test says so: the schedule's timers fire inside
// advance(), in time order, so a showing boundary happens exactly when the test decides.
import type { Clock } from '../../src/core/clock.js';

export class ManualClock implements Clock {
  private timers: { at: number; run: () => void; seq: number }[] = [];
  private seq = 0;

  constructor(private current = Date.now()) {}

  now(): number {
    return this.current;
  }

  at(at: number, run: () => void): () => void {
    const timer = { at, run, seq: this.seq++ };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Moves time forward, firing every timer that falls due, earliest first. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = Math.max(this.current, due.at);
      due.run();
    }
    this.current = target;
  }

  /** Moves to an instant (ms since the epoch). */
  advanceTo(at: number): void {
    this.advance(Math.max(0, at - this.current));
  }
}
