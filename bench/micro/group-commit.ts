// The seat write alone, without sockets: N concurrent writers calling the seat model as
// fast as it answers, on a fresh database of BENCH_DATABASE_URL (or, without it, a fresh
// embedded PGlite folder), with and without group commit, in one run. Separates the
// database's share of scenario 4 from the server's: on PostgreSQL it also reports the CPU
// per commit of this process (the server's share of a write: the seat model and the pg
// driver) and of the database's backends serving it (from /proc, like the bench).
//   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npx tsx bench/micro/group-commit.ts [seconds] [writers]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase } from '../../src/core/db/index.js';
import { cpuMs } from '../proc-stats.js';
import { createLogger } from '../../src/core/logger.js';
import { createSeatModel } from '../../src/modules/seat/seat.model.js';
import type { GroupCommitOptions } from '../../src/modules/seat/seat.group-commit.js';

const adminUrl = process.env.BENCH_DATABASE_URL;
const seconds = Number(process.argv[2] ?? 5);
const writers = Number(process.argv[3] ?? 10);
const HALLS = 200;
const SEATS = 100;

const name = `seats_micro_${process.pid}`;
const dataDir = mkdtempSync(join(tmpdir(), 'seats-micro-'));
const admin = adminUrl ? new pg.Client({ connectionString: adminUrl }) : undefined;
let databaseUrl: string | undefined;
if (admin && adminUrl) {
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  databaseUrl = url.toString();
}
const logger = createLogger({ log: { level: 'error', format: 'pretty' } });
const database = await openDatabase({ databaseUrl, dataDir, logger });
console.log(`seat writes on ${database.kind}, ${writers} writers, ${seconds} s each`);
try {
  await database.sql(`INSERT INTO cinema (name, color) VALUES ('micro', '#000')`, []);
  await database.sql(`INSERT INTO seat_type (name, color) VALUES ('micro', '#000')`, []);
  await database.sql(
    `INSERT INTO hall (cinema_id, name, rows, places) SELECT (SELECT id FROM cinema), 'h' || g, 10, 10 FROM generate_series(1, ${HALLS}) g`,
    [],
  );
  await database.sql(
    `INSERT INTO seat (hall_id, row, place, x, y, width, height, seat_type_id)
     SELECT h.id, r, p, p, r, 1, 1, (SELECT id FROM seat_type) FROM hall h, generate_series(1, 10) r, generate_series(1, 10) p`,
    [],
  );
  const seatsOf = new Map<number, number[]>();
  for (const row of await database.sql<{ hall_id: number; ids: number[] }>(`SELECT hall_id, array_agg(id ORDER BY id) AS ids FROM seat GROUP BY hall_id`, []))
    seatsOf.set(row.hall_id, row.ids);
  const halls = [...seatsOf.keys()].sort((a, b) => a - b);
  const statusOf = new Map<number, string>();

  /**
   * CPU of the database backends serving the bench database over a run, sampled every
   * 100 ms (PostgreSQL only): the pool closes idle connections, and a backend that ends
   * takes its CPU figure with it, so each pid counts from its first to its last sample.
   */
  const backendsCpu = () => {
    const seen = new Map<number, { first: number; last: number }>();
    const sample = async () => {
      if (!admin) return;
      const { rows } = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [name]);
      for (const { pid } of rows) {
        try {
          const now = cpuMs(pid);
          const known = seen.get(pid);
          if (known) known.last = now;
          else seen.set(pid, { first: now, last: now });
        } catch {
          // a backend that just ended
        }
      }
    };
    const timer = setInterval(() => void sample(), 100);
    void sample();
    return async (): Promise<number> => {
      clearInterval(timer);
      await sample();
      return admin ? [...seen.values()].reduce((total, { first, last }) => total + last - first, 0) : Number.NaN;
    };
  };

  async function run(label: string, options: GroupCommitOptions, hot: boolean): Promise<void> {
    const cpuBefore = process.cpuUsage();
    const dbCpu = backendsCpu();
    const model = createSeatModel(database.prisma, (text, params) => database.sql(text, params), options, 'micro');
    const latencies: number[] = [];
    const endAt = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let k = 0; performance.now() < endAt; k++) {
          const hall = hot ? (halls[0] as number) : (halls[(w + k * writers) % HALLS] as number);
          const ids = seatsOf.get(hall) as number[];
          // Writer w owns seats w*10 .. w*10+9 of each hall and flips one per call: every call is a change.
          const seat = ids[(w * 10 + (k % 10)) % SEATS] as number;
          const status = statusOf.get(seat) === 'OCCUPIED' ? 'VACANT' : 'OCCUPIED';
          statusOf.set(seat, status);
          const started = performance.now();
          const result = await model.markSeats({ showingId: null, hallId: hall, seats: [{ seat_id: seat, status }], userId: null, expectedVersion: undefined });
          if (result.version === null) throw new Error(`no change: ${JSON.stringify(result)}`);
          latencies.push(performance.now() - started);
        }
      }),
    );
    const cpu = process.cpuUsage(cpuBefore);
    const dbCpuMs = await dbCpu();
    const perCommitUs = (ms: number) => ((ms * 1000) / Math.max(latencies.length, 1)).toFixed(0).padStart(4);
    latencies.sort((a, b) => a - b);
    const at = (q: number) => (latencies[Math.floor(q * (latencies.length - 1))] ?? NaN).toFixed(2);
    console.log(
      `${label.padEnd(34)} ${(latencies.length / seconds).toFixed(0).padStart(6)} commits/s  p50 ${at(0.5)} ms  p99 ${at(0.99)} ms` +
        `  CPU per commit: this process ${perCommitUs((cpu.user + cpu.system) / 1000)} µs, database ${perCommitUs(dbCpuMs)} µs`,
    );
  }

  for (const hot of [false, true]) {
    const where = hot ? 'one hall' : `${HALLS} halls`;
    await run(`one change per call, ${where}`, { maxInFlight: writers, maxChanges: 1, maxSeats: 2_000 }, hot);
    await run(`group commit x1, ${where}`, { maxInFlight: 1, maxChanges: 100, maxSeats: 2_000 }, hot);
    await run(`group commit x2, ${where}`, { maxInFlight: 2, maxChanges: 100, maxSeats: 2_000 }, hot);
    await run(`group commit x4, ${where}`, { maxInFlight: 4, maxChanges: 100, maxSeats: 2_000 }, hot);
  }
} finally {
  await database.close();
  rmSync(dataDir, { recursive: true, force: true });
  if (admin) {
    await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`);
    await admin.end();
  }
}
