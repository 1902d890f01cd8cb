// The time the schedule runs on. Showings start and end by the database's clock, the one
// clock every instance shares, so each instance keeps its offset from it (measured at
// start and every few minutes) and every instance rolls a hall over at the same moment.
// Tests pass a clock they move by hand (test/support/manual-clock.ts) instead of waiting.

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `run` once `now()` has reached `at`; returns a cancel function. */
  at(at: number, run: () => void): () => void;
}

/** setTimeout's longest delay; a later time is reached in steps. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export class DatabaseClock implements Clock {
  /** Database time minus this process's time, in ms. */
  private offsetMs = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /** One reading of the database's clock, in ms since the epoch. */
    private readonly readDatabaseMs: () => Promise<number>,
    private readonly resyncMs = 5 * 60_000,
  ) {}

  now(): number {
    return Date.now() + this.offsetMs;
  }

  at(at: number, run: () => void): () => void {
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      const delay = at - this.now();
      // The offset may have moved since this timer was set: check again when it fires.
      if (delay <= 0) return run();
      timer = setTimeout(arm, Math.min(delay, MAX_DELAY_MS));
      timer.unref();
    };
    arm();
    return () => clearTimeout(timer);
  }

  /** Measures the offset now and keeps it fresh until stop(). */
  async start(): Promise<void> {
    await this.sync();
    this.timer = setInterval(() => void this.sync().catch(() => undefined), this.resyncMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The round trip's midpoint stands for the moment the database read its clock. */
  async sync(): Promise<void> {
    const before = Date.now();
    const database = await this.readDatabaseMs();
    const after = Date.now();
    this.offsetMs = database - (before + after) / 2;
  }
}
