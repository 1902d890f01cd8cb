// Box-office writes alone, without sockets or HTTP: hold + confirm pairs beside single
// seat changes, both on showings, N concurrent writers, on a fresh database of
// BENCH_DATABASE_URL (or a fresh embedded PGlite folder), in one run. A hold and its
// confirm are two transactions each taking the hall's lock (the hold_seats and
// hold_finish functions), where a seat change shares a group commit with others.
//   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npx tsx bench/micro/holds.ts [seconds] [writers]
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase } from '../../src/core/db/index.js';
import { createLogger } from '../../src/core/logger.js';
import { createHoldModel } from '../../src/modules/hold/hold.model.js';
import { createSeatModel } from '../../src/modules/seat/seat.model.js';

const adminUrl = process.env.BENCH_DATABASE_URL;
const seconds = Number(process.argv[2] ?? 5);
const writers = Number(process.argv[3] ?? 10);
const HALLS = 200;

const name = `seats_micro_holds_${process.pid}`;
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
const database = await openDatabase({ databaseUrl, dataDir, logger: createLogger({ log: { level: 'error', format: 'pretty' } }) });
console.log(`box-office writes on ${database.kind}, ${writers} writers, ${seconds} s each`);
try {
  await database.sql(`INSERT INTO cinema (name, color) VALUES ('micro', '#000')`, []);
  await database.sql(`INSERT INTO seat_type (name, color) VALUES ('micro', '#000')`, []);
  await database.sql(`INSERT INTO hall (cinema_id, name, rows, places) SELECT (SELECT id FROM cinema), 'h' || g, 20, 20 FROM generate_series(1, ${HALLS}) g`, []);
  await database.sql(
    `INSERT INTO seat (hall_id, row, place, x, y, width, height, seat_type_id)
     SELECT h.id, r, p, p, r, 1, 1, (SELECT id FROM seat_type) FROM hall h, generate_series(1, 20) r, generate_series(1, 20) p`,
    [],
  );
  await database.sql(`INSERT INTO showing (hall_id, title, starts_at, ends_at) SELECT id, 'bench', now() + interval '1 day', now() + interval '1 day 2 hours' FROM hall`, []);
  const showings = await database.sql<{ id: number; hall_id: number; seats: number[] }>(
    `SELECT sh.id, sh.hall_id, array_agg(s.id ORDER BY s.id) AS seats FROM showing sh JOIN seat s ON s.hall_id = sh.hall_id GROUP BY sh.id ORDER BY sh.id`,
    [],
  );
  const seats = { model: createSeatModel(database.prisma, (text, params) => database.sql(text, params), { maxInFlight: 2, maxChanges: 100, maxSeats: 2_000 }, 'micro') };
  const holds = createHoldModel((text, params) => database.sql(text, params), 'micro');

  function report(label: string, latencies: number[], count: number): number {
    latencies.sort((a, b) => a - b);
    const at = (q: number) => (latencies[Math.floor(q * (latencies.length - 1))] ?? NaN).toFixed(2);
    const rate = count / seconds;
    console.log(`${label.padEnd(40)} ${rate.toFixed(0).padStart(6)} /s  p50 ${at(0.5)} ms  p99 ${at(0.99)} ms`);
    return rate;
  }

  // Every writer takes the next untouched seat: each call is a real change.
  let next = 0;
  const take = () => {
    const k = next++;
    const showing = showings[k % HALLS]!;
    return { showing, seat: showing.seats[Math.floor(k / HALLS) % showing.seats.length]! };
  };
  async function during(work: () => Promise<void>): Promise<void> {
    const endAt = performance.now() + seconds * 1000;
    await Promise.all(Array.from({ length: writers }, async () => {
      while (performance.now() < endAt) await work();
    }));
  }

  let latencies: number[] = [];
  await during(async () => {
    const { showing, seat } = take();
    const started = performance.now();
    const result = await seats.model.markSeats({ hallId: showing.hall_id, showingId: showing.id, seats: [{ seat_id: seat, status: 'OCCUPIED' }], userId: null, expectedVersion: undefined });
    if (result.version === null) throw new Error(`no change: ${JSON.stringify(result)}`);
    latencies.push(performance.now() - started);
  });
  const single = report('single seat changes (group commit x2)', latencies, latencies.length);

  latencies = [];
  await during(async () => {
    const { showing, seat } = take();
    const started = performance.now();
    const id = randomUUID();
    const held = await holds.hold({ id, showingId: showing.id, seatIds: [seat], ttlSeconds: 300, holder: 'bench', apiKeyId: 1, userId: null });
    if (held.error !== undefined) throw new Error(`hold: ${JSON.stringify(held)}`);
    const confirmed = await holds.finish(id, 'confirm', null);
    if (confirmed.error !== undefined) throw new Error(`confirm: ${JSON.stringify(confirmed)}`);
    latencies.push(performance.now() - started);
  });
  const pairs = report('hold + confirm pairs', latencies, latencies.length);
  console.log(`hold+confirm pairs per single change: ${(pairs / single).toFixed(2)} (each pair is two versions)`);

} finally {
  await database.close();
  rmSync(dataDir, { recursive: true, force: true });
  if (admin) {
    await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`);
    await admin.end();
  }
}
