// What /ready answers. Ready means this instance serves current data: the database
// answers, the LISTEN connection is up and has caught up with what it missed, and the
// process is not shutting down. /health (liveness) stays 200 through all of these: a
// restart would not fix a database outage, and a draining process must finish its drain.
import type { ChangeBus } from './bus/bus.js';
import type { Database } from './db/index.js';

/** A ping slower than this counts as a database that is down (pg waits forever by default). */
const PING_TIMEOUT_MS = 2_000;

export interface ReadinessReport {
  ready: boolean;
  detail: { database: string; listen: 'up' | 'down_or_catching_up'; draining: boolean; error?: string };
}

export class Readiness {
  private draining = false;

  constructor(
    private readonly database: Pick<Database, 'kind' | 'ping'>,
    private readonly bus: Pick<ChangeBus, 'listening'>,
  ) {}

  /** From now until exit /ready is 503, so load balancers stop sending new clients here. */
  drain(): void {
    this.draining = true;
  }

  async check(): Promise<ReadinessReport> {
    const listening = this.bus.listening;
    const detail: ReadinessReport['detail'] = {
      database: this.database.kind,
      listen: listening ? 'up' : 'down_or_catching_up',
      draining: this.draining,
    };
    if (this.draining) return { ready: false, detail };
    try {
      await withTimeout(this.database.ping(), PING_TIMEOUT_MS);
    } catch (error) {
      return { ready: false, detail: { ...detail, error: `database: ${error instanceof Error ? error.message : String(error)}` } };
    }
    return { ready: listening, detail };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
