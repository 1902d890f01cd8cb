// Server mode: one dedicated pg.Client per process holds every LISTEN (Prisma has none).
// Measured (docs/database.md, "PostgreSQL as the change bus"): a killed listener emits error + end within
// ~5 ms, cannot be reused, and everything notified while it is down is lost; so on any
// loss we make a new client, LISTEN again, and tell listeners to catch up from the rows.
// A periodic `SELECT 1` catches silent network drops that TCP would take minutes to see.
import type pg from 'pg';
import type { Logger } from '../logger.js';
import type { ChangeBus, NotificationHandler } from './bus.js';

const RECONNECT_DELAY_MS = [10, 100, 500, 1_000, 2_000];
const HEALTH_CHECK_MS = 5_000;
/** A check that has not answered by then means a dead link (a query on one never fails by itself). */
const HEALTH_TIMEOUT_MS = 3_000;
/** TCP keepalive after 10 s idle instead of the OS default of about two hours. */
const KEEPALIVE_DELAY_MS = 10_000;

export class PostgresBus implements ChangeBus {
  private client: pg.Client | null = null;
  private readonly handlers = new Map<string, NotificationHandler[]>();
  private readonly reconnectHandlers: (() => void | Promise<void>)[] = [];
  private closed = false;
  private up = false;
  private attempts = 0;
  private healthTimer: NodeJS.Timeout | undefined;
  private connecting: Promise<void> | null = null;
  private checking = false;
  /** Both set by start(): `pg` is imported only in server mode (an embedded start never loads it, ~0.1 s). */
  private driver: typeof pg | undefined;
  private notifier: pg.Pool | undefined;

  constructor(
    private readonly connectionString: string,
    private readonly logger: Logger,
  ) {}

  get listening(): boolean {
    return this.up;
  }

  async start(): Promise<void> {
    this.driver = (await import('pg')).default;
    this.notifier = new this.driver.Pool({ connectionString: this.connectionString, max: 1 });
    this.notifier.on('error', (error) => this.logger.warn('notify pool error', { error: error.message }));
    await this.connect();
    this.up = true;
    this.healthTimer = setInterval(() => void this.checkHealth(), HEALTH_CHECK_MS);
    this.healthTimer.unref();
  }

  async listen(channel: string, handler: NotificationHandler): Promise<void> {
    const list = this.handlers.get(channel);
    if (list) {
      list.push(handler);
      return;
    }
    this.handlers.set(channel, [handler]);
    if (this.client) await this.client.query(`LISTEN ${this.pg().escapeIdentifier(channel)}`);
  }

  async notify(channel: string, payload: string): Promise<void> {
    if (!this.notifier) throw new Error('the change bus is not started');
    await this.notifier.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  onReconnect(handler: () => void | Promise<void>): void {
    this.reconnectHandlers.push(handler);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.healthTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
    await this.notifier?.end();
  }

  private connect(): Promise<void> {
    this.connecting ??= this.openClient().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async openClient(): Promise<void> {
    // Named so operators (and the test that kills it) can find it in pg_stat_activity.
    const pg = this.pg();
    const client = new pg.Client({
      connectionString: this.connectionString,
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
      application_name: 'seats-sync-listener',
    });
    client.on('notification', (message) => {
      for (const handler of this.handlers.get(message.channel) ?? []) handler(message.payload ?? '');
    });
    // Without an error handler a terminated backend crashes the process.
    client.on('error', (error) => this.logger.warn('listen connection error', { error: error.message }));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      // close() ran while this client was connecting.
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.attempts = 0;
  }

  private pg(): typeof pg {
    if (!this.driver) throw new Error('the change bus is not started');
    return this.driver;
  }

  private lost(client: pg.Client): void {
    if (this.closed || this.client !== client) return;
    this.client = null;
    this.up = false;
    this.logger.warn('listen connection lost; reconnecting');
    void this.reconnect();
  }

  private async reconnect(): Promise<void> {
    while (!this.closed) {
      const delay = RECONNECT_DELAY_MS[Math.min(this.attempts, RECONNECT_DELAY_MS.length - 1)] ?? 2_000;
      this.attempts++;
      await new Promise((resolve) => setTimeout(resolve, delay));
      try {
        await this.connect();
        this.logger.info('listen connection restored');
        // Up again only once what was missed meanwhile has been read (readiness waits for it).
        await Promise.allSettled(this.reconnectHandlers.map(async (handler) => handler()));
        if (!this.closed && this.client !== null) this.up = true;
        return;
      } catch (error) {
        this.logger.warn('listen reconnect failed', { error: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  private async checkHealth(): Promise<void> {
    const client = this.client;
    if (!client || this.checking) return;
    this.checking = true;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.query('SELECT 1'),
        new Promise((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error('health check timed out')), HEALTH_TIMEOUT_MS);
        }),
      ]);
    } catch {
      // A dead link that never said so: replace the client now (ending it could hang
      // on the same dead socket, so that is not awaited).
      this.lost(client);
      void client.end().catch(() => undefined);
    } finally {
      clearTimeout(timer);
      this.checking = false;
    }
  }
}
