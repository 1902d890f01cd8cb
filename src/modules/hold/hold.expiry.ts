// Holds expire by themselves: the instance holding the hold-expiry lock (one at a time
// when several share the database; the embedded server always) looks for active holds
// past expires_at (the database clock) every HOLD_SWEEP_MS and expires each, one
// versioned change of its showing at a time. hold_finish re-checks under the hall's lock
// that the hold is still active, so a hold another instance (or a confirm) finished
// first is left alone: no hold is ever expired twice.
import type { Leadership } from '../../core/db/leadership.js';
import { isDatabaseUnavailable } from '../../core/db/unavailable.js';
import type { Logger } from '../../core/logger.js';
import type { HoldModel } from './hold.model.js';

const BATCH = 100;

export class HoldExpiry {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private closed = false;
  /** Holds this instance expired (tests and metrics). */
  expired = 0;

  constructor(
    private readonly options: {
      model: Pick<HoldModel, 'due'>;
      expire(holdId: string): Promise<boolean>;
      leadership: Leadership;
      sweepMs: number;
      logger: Logger;
    },
  ) {}

  start(): void {
    this.schedule();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Runs one sweep now (tests), resolving when it is done. */
  sweep(): Promise<void> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      void this.sweep().finally(() => this.schedule());
    }, this.options.sweepMs);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    if (!this.options.leadership.leading || this.closed) return;
    try {
      for (;;) {
        const due = await this.options.model.due(BATCH);
        for (const id of due) if (await this.options.expire(id)) this.expired++;
        if (due.length < BATCH || this.closed) return;
      }
    } catch (error) {
      // The database away (a restart, a failover) is reported where requests meet it; here it only delays expiry.
      if (isDatabaseUnavailable(error)) this.options.logger.warn('hold expiry waits for the database', { error: String(error) });
      else this.options.logger.error('hold expiry failed; retrying at the next sweep', { error: String(error) });
    }
  }
}
