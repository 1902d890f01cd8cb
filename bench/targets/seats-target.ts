// Our server as a Target: prepares the store template once (an admin session through the
// real HTTP TOTP flow, then bench halls of the baselines' size), then starts each
// repetition on its own copy.
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { SeatsClient } from './seats-client.js';
import { launchSeatsServer, newSecrets, type SeatsSecrets } from './seats-server.js';
import { enrol } from './seats-session.js';
import type { SeatsStore } from './seats-store.js';
import { repoRoot } from './spawn-node.js';
import type { StartOptions, Target } from './target.js';

const BENCH_USER = 'bench';
/**
 * 20 x 10: the 200 seats the baselines' synthetic halls have, enough for 10 writers on
 * one hall to each change 20 seats of their own per batch.
 */
const BENCH_LAYOUT = { rows: 20, places: 10, aisles_after: [], shape: 'straight' } as const;

export interface SeatsFixture {
  store: SeatsStore;
  secrets: SeatsSecrets;
  cookie: string;
  benchHalls: number[];
}

export async function prepareSeats(store: SeatsStore, hallCount: number): Promise<SeatsFixture> {
  const secrets = newSecrets();
  let server = await launchSeatsServer({ storeEnv: store.templateEnv, secrets });
  const cookie = await enrol(server.endpoint.baseUrl, BENCH_USER);
  // PGlite allows one process per data folder: the CLI may only touch it while the server is down.
  await server.stop();
  setRole(store.templateEnv, BENCH_USER, 'admin');
  server = await launchSeatsServer({ storeEnv: store.templateEnv, secrets, cookie });
  try {
    const benchHalls = await createHalls(server.endpoint.baseUrl, cookie, hallCount);
    return { store, secrets, cookie, benchHalls };
  } finally {
    await server.stop();
  }
}

function setRole(storeEnv: Record<string, string>, username: string, role: string): void {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/user.ts', 'set-role', username, role], {
    cwd: repoRoot,
    env: { ...process.env, ...storeEnv, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`npm run user -- set-role failed: ${result.stderr || result.stdout}`);
}

async function createHalls(baseUrl: string, cookie: string, count: number): Promise<number[]> {
  const client = await SeatsClient.open(baseUrl, cookie);
  try {
    const cinemas = await client.request<{ id: number }[]>('cinemas.get_cinemas', null);
    const seatTypes = await client.request<{ id: number }[]>('seat_type.list', null);
    const cinemaId = cinemas[0]?.id;
    const seatTypeId = seatTypes[0]?.id;
    if (cinemaId === undefined || seatTypeId === undefined) throw new Error('the demo data has no cinema or seat type');
    const ids: number[] = [];
    // Sequential: setup, not measured, and kinder to a shared machine.
    for (let i = 1; i <= count; i++) {
      const hall = await client.request<{ id: number }>('hall.create', { cinema_id: cinemaId, name: `Bench ${i}`, layout: { ...BENCH_LAYOUT, seat_type_id: seatTypeId } });
      ids.push(hall.id);
    }
    return ids;
  } finally {
    client.close();
  }
}

async function countAuditRows(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM seat_event');
    return Number(rows[0]?.n);
  } finally {
    await client.end();
  }
}

export function seatsTarget(fixture: SeatsFixture): Target {
  return {
    kind: 'seats',
    key: 'seats',
    label: `Seats Sync (${fixture.store.label})`,
    halls(count) {
      if (count > fixture.benchHalls.length) throw new Error(`only ${fixture.benchHalls.length} bench halls were prepared`);
      return fixture.benchHalls.slice(0, count);
    },
    async start(options: StartOptions = {}) {
      const copy = await fixture.store.checkout(options.freshStore ?? false);
      const nodeArgs = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
      try {
        const server = await launchSeatsServer({ storeEnv: copy.env, secrets: fixture.secrets, cookie: fixture.cookie, nodeArgs });
        const databaseUrl = copy.env.DATABASE_URL;
        return {
          ...server,
          countAuditRows: databaseUrl ? () => countAuditRows(databaseUrl) : undefined,
          async stop() {
            await server.stop();
            await copy.dispose();
          },
        };
      } catch (error) {
        await copy.dispose();
        throw error;
      }
    },
  };
}
