// Exactly one instance runs a singleton job at a time (an outbound consumer, the hold
// expiry). On PostgreSQL: a session-level
// advisory lock held on a dedicated connection, so it lives exactly as long as that
// connection: an instance that dies or loses the database loses the lock with it, and the
// others, trying every `retryMs`, take over. PGlite is one process per data folder, so the
// embedded server always leads.
// A deposed leader may still finish the batch it was sending: consumers only ever raise
// cursors and resend whole versions, so the worst case is a version sent twice, with the
// same number.
import type pg from 'pg';
import type { Logger } from '../logger.js';

export interface Leadership {
  readonly leading: boolean;
  /** Called on every change of `leading`. */
  onChange(handler: (leading: boolean) => void): void;
  close(): Promise<void>;
}

/** First key of the two-int advisory lock space ("SS" for Seats Sync); the second names the consumer. */
const LOCK_CLASS = 0x5353;
export const LOCKS = { mqtt: 1, webhooks: 2, holdExpiry: 3 } as const;

export function alwaysLeading(): Leadership {
  return { leading: true, onChange: () => undefined, close: async () => undefined };
}

const HEALTH_TIMEOUT_MS = 3_000;

export function advisoryLeadership(options: { connectionString: string; lock: number; retryMs: number; logger: Logger; name: string }): Leadership {
  const { logger } = options;
  const handlers: ((leading: boolean) => void)[] = [];
  let leading = false;
  let closed = false;
  let client: pg.Client | null = null;
  let timer: NodeJS.Timeout | undefined;

  const set = (value: boolean) => {
    if (leading === value) return;
    leading = value;
    logger.info(value ? 'leadership taken' : 'leadership lost', { job: options.name });
    for (const handler of handlers) handler(value);
  };

  const drop = (lost: pg.Client) => {
    if (client !== lost) return;
    client = null;
    set(false);
    void lost.end().catch(() => undefined);
  };

  async function tick(): Promise<void> {
    try {
      if (!client) {
        // Imported here: only a server-mode start leads through a lock, and an embedded one never loads `pg`.
        const { default: pg } = await import('pg');
        const fresh = new pg.Client({
          connectionString: options.connectionString,
          keepAlive: true,
          keepAliveInitialDelayMillis: 10_000,
          // Named so operators (and the takeover test) can find it in pg_stat_activity.
          application_name: `seats-sync-${options.name}-lock`,
        });
        fresh.on('error', (error) => logger.warn('outbound lock connection error', { consumer: options.name, error: error.message }));
        fresh.on('end', () => drop(fresh));
        await fresh.connect();
        if (closed) {
          await fresh.end();
          return;
        }
        client = fresh;
      }
      const current = client;
      let timeout: NodeJS.Timeout | undefined;
      // Leading: a health check, since a query on a dead link never fails by itself.
      // Not leading: another try for the lock.
      const query = leading ? current.query('SELECT true AS held') : current.query('SELECT pg_try_advisory_lock($1, $2) AS held', [LOCK_CLASS, options.lock]);
      const result = await Promise.race([
        query,
        new Promise<never>((_resolve, reject) => {
          timeout = setTimeout(() => reject(new Error('lock connection timed out')), HEALTH_TIMEOUT_MS);
        }),
      ]).finally(() => clearTimeout(timeout));
      if (closed || client !== current) return;
      if ((result.rows[0] as { held: boolean }).held) set(true);
    } catch (error) {
      if (client) drop(client);
      if (!closed) logger.warn('outbound lock check failed', { consumer: options.name, error: error instanceof Error ? error.message : String(error) });
    }
  }

  const loop = async () => {
    await tick();
    if (!closed) timer = setTimeout(() => void loop(), options.retryMs);
  };
  void loop();

  return {
    get leading() {
      return leading;
    },
    onChange(handler) {
      handlers.push(handler);
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      const current = client;
      client = null;
      set(false);
      // Ending the session releases the lock at once: the next instance need not wait for a timeout.
      await current?.end().catch(() => undefined);
    },
  };
}
