// Announces committed seat changes on a PostgreSQL server, right after their commit.
//
// A transaction that calls pg_notify holds PostgreSQL's notify lock (one for the whole
// cluster) from its commit until the commit is over, disk flush included; with the
// NOTIFY inside mark_seats every seat commit waited for the one before it to reach the
// disk, and commits could never share a flush (migration announce_after_commit has the
// measurements). So mark_seats commits without notifying, and this sends the same
// payloads once it has returned, in commit order, one statement at a time (everything
// queued meanwhile goes in the next), on the bus's notifier, which waits for no flush.
//
// The cost: a process that dies between a commit and its announcement leaves the other
// instances to learn of that change from the stream's next notification (a gap makes
// them read the log) or from their periodic re-read of every loaded stream.
import type { ChangeBus } from '../../core/bus/bus.js';
import type { Logger } from '../../core/logger.js';

/** Payloads per statement: each is at most ~7 KB (seat.stream.ts). */
const MAX_PER_STATEMENT = 200;
/** A failed statement is sent again this often before its payloads are given up (logged). */
const ATTEMPTS = 3;
const RETRY_MS = 500;

export class SeatAnnouncer {
  private readonly queue: string[] = [];
  private sending: Promise<void> | null = null;

  constructor(
    private readonly bus: Pick<ChangeBus, 'notifyAll'>,
    private readonly channel: string,
    private readonly logger: Logger,
    private readonly retryMs = RETRY_MS,
  ) {}

  /** Queues the payloads of one commit; returns at once. */
  announce(payloads: readonly string[]): void {
    if (payloads.length === 0) return;
    for (const payload of payloads) this.queue.push(payload);
    this.sending ??= this.send().finally(() => {
      this.sending = null;
    });
  }

  /** Resolves once everything announced so far has been sent (or given up): before the bus closes. */
  async drain(): Promise<void> {
    while (this.sending) await this.sending;
  }

  private async send(): Promise<void> {
    while (this.queue.length > 0) {
      const payloads = this.queue.splice(0, MAX_PER_STATEMENT);
      for (let attempt = 1; ; attempt++) {
        try {
          await this.bus.notifyAll(this.channel, payloads);
          break;
        } catch (error) {
          if (attempt >= ATTEMPTS) {
            this.logger.error('seat change announcement failed; other instances catch up from the log', { notifications: payloads.length, error: String(error) });
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, this.retryMs));
        }
      }
    }
  }
}
