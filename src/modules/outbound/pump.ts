// Runs one outbound consumer's catch-up pass whenever there may be work: on a wake-up
// (a commit notification, the broker or the lock coming back), every `sweepMs` anyway
// (notifications can be lost), and again after a failed pass. Passes never overlap;
// wake-ups during a pass fold into one more pass after it.
import type { Logger } from '../../core/logger.js';

export interface PumpOptions {
  name: string;
  /** Sends everything pending, from the durable cursors. Throwing retries after `retryMs`. */
  pass(): Promise<void>;
  /** False while this instance must not send (not leading, broker down). */
  canRun(): boolean;
  sweepMs: number;
  retryMs: number;
  logger: Logger;
}

export class Pump {
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private readonly sweep: NodeJS.Timeout;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly options: PumpOptions) {
    this.sweep = setInterval(() => this.wake(), options.sweepMs);
    this.sweep.unref();
  }

  wake(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  /** Resolves when no pass is running (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweep);
    clearTimeout(this.retry);
    await this.idle();
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      if (this.closed || !this.options.canRun()) return;
      try {
        await this.options.pass();
      } catch (error) {
        if (this.closed) return;
        this.options.logger.warn('outbound pass failed; retrying', { consumer: this.options.name, error: error instanceof Error ? error.message : String(error) });
        clearTimeout(this.retry);
        this.retry = setTimeout(() => this.wake(), this.options.retryMs);
        this.retry.unref();
        return;
      }
    } while (this.again);
  }
}
