// Embedded mode: PGlite delivers pg_notify to listeners on the same instance, after commit
// only. One process per data folder, so this is the whole bus; the code path above it is
// the same as on a server.
import type { PGlite } from '@electric-sql/pglite';
import type { ChangeBus, NotificationHandler } from './bus.js';

export class PgliteBus implements ChangeBus {
  private readonly unsubscribers: (() => Promise<void>)[] = [];
  /** One in-process connection: it cannot drop while the process lives. */
  readonly listening = true;

  constructor(private readonly db: PGlite) {}

  async listen(channel: string, handler: NotificationHandler): Promise<void> {
    this.unsubscribers.push(await this.db.listen(channel, handler));
  }

  async notify(channel: string, payload: string): Promise<void> {
    await this.db.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  onReconnect(): void {
    // Never called: see `listening`.
  }

  async close(): Promise<void> {
    await Promise.all(this.unsubscribers.splice(0).map((unsubscribe) => unsubscribe()));
  }
}
