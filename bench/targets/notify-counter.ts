// Counts the change notifications our servers send, from outside them: the bench LISTENs
// on the hall channel of the target's database, as one more instance would, and every
// NOTIFY any server sends reaches it once. Several instances must cost the database the
// same notifications per change as one: only the committing statement notifies, never a
// process that merely heard of the change.
import pg from 'pg';
import { CHANNELS } from '../../src/core/bus/bus.js';

export interface NotifyCount {
  /** Notifications received on the hall channel. */
  total: number;
  /** Distinct hints among them ('<hall>:<version>', 'showing:<id>:<version>'): fewer than total means one change announced twice. */
  distinct: number;
}

export class NotifyCounter {
  private total = 0;
  private readonly payloads = new Set<string>();

  private constructor(private readonly client: pg.Client) {
    client.on('notification', (message) => {
      if (message.channel !== CHANNELS.hallChanged) return;
      this.total++;
      // The hint alone: a notification may carry the changes after a space.
      this.payloads.add((message.payload ?? '').split(' ', 1)[0] as string);
    });
  }

  static async listen(databaseUrl: string): Promise<NotifyCounter> {
    const counter = new NotifyCounter(new pg.Client({ connectionString: databaseUrl, application_name: 'seats-bench-notify-counter' }));
    await counter.client.connect();
    await counter.client.query(`LISTEN ${pg.escapeIdentifier(CHANNELS.hallChanged)}`);
    return counter;
  }

  /**
   * Stops counting. A round trip first: PostgreSQL delivers notifications to a session in
   * commit order ahead of its query results, so every NOTIFY committed before this call
   * has been received once it returns.
   */
  async stop(): Promise<NotifyCount> {
    await this.client.query('SELECT 1');
    const count = { total: this.total, distinct: this.payloads.size };
    await this.client.end();
    return count;
  }
}
