// Group commit: the queue that batches seat changes (unit), and the database function
// that writes a batch with per-change rules, on the real database (PGlite or PostgreSQL).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PgliteBus } from '../../../src/core/bus/pglite-bus.js';
import { PostgresBus } from '../../../src/core/bus/postgres-bus.js';
import type { ChangeBus } from '../../../src/core/bus/bus.js';
import { openDatabase, type Database } from '../../../src/core/db/index.js';
import { GroupCommit } from '../../../src/modules/seat/seat.group-commit.js';
import { createSeatModel, type MarkSeatsResult } from '../../../src/modules/seat/seat.model.js';
import { parseStreamNotification } from '../../../src/modules/seat/seat.stream.js';
import { createTestDatabase, quietLogger, type TestDatabase } from '../../support/database.js';

describe('GroupCommit queue', () => {
  const options = { maxInFlight: 1, maxChanges: 100, maxSeats: 2_000 };
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('writes changes submitted together in one batch and answers each with its own result, in order', async () => {
    const batches: number[][] = [];
    const queue = new GroupCommit<{ n: number; seatCount: number }, number>(async (changes) => {
      batches.push(changes.map((c) => c.n));
      return changes.map((c) => c.n * 10);
    }, options);
    const results = await Promise.all([1, 2, 3, 4].map((n) => queue.submit({ n, seatCount: 1 })));
    assert.deepEqual(results, [10, 20, 30, 40]);
    assert.deepEqual(batches, [[1, 2, 3, 4]]);
  });

  it('gathers what arrives while a batch is in flight into the next one, never exceeding maxInFlight', async () => {
    const batches: number[][] = [];
    let inFlight = 0;
    let maxSeen = 0;
    let release: () => void = () => undefined;
    const queue = new GroupCommit<{ n: number; seatCount: number }, number>(async (changes) => {
      inFlight++;
      maxSeen = Math.max(maxSeen, inFlight);
      batches.push(changes.map((c) => c.n));
      if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
      inFlight--;
      return changes.map((c) => c.n);
    }, { ...options, maxInFlight: 2 });
    const first = queue.submit({ n: 1, seatCount: 1 });
    await tick();
    const second = queue.submit({ n: 2, seatCount: 1 });
    await tick();
    const rest = [3, 4, 5].map((n) => queue.submit({ n, seatCount: 1 }));
    await tick();
    release();
    assert.deepEqual(await Promise.all([first, second, ...rest]), [1, 2, 3, 4, 5]);
    assert.deepEqual(batches, [[1], [2], [3, 4, 5]]);
    assert.equal(maxSeen, 2);
  });

  it('bounds a batch by changes and by seats, but always takes at least one change', async () => {
    const batches: number[][] = [];
    const queue = new GroupCommit<{ n: number; seatCount: number }, number>(async (changes) => {
      batches.push(changes.map((c) => c.n));
      return changes.map((c) => c.n);
    }, { maxInFlight: 1, maxChanges: 3, maxSeats: 10 });
    const seatCounts = [1, 1, 1, 1, 6, 6, 50, 1];
    await Promise.all(seatCounts.map((seatCount, n) => queue.submit({ n, seatCount })));
    assert.deepEqual(batches, [[0, 1, 2], [3, 4], [5], [6], [7]]);
  });

  it('retries the changes of a failed batch one by one: only a change that fails alone fails', async () => {
    const batches: number[][] = [];
    const queue = new GroupCommit<{ n: number; seatCount: number }, number>(async (changes) => {
      batches.push(changes.map((c) => c.n));
      if (changes.some((c) => c.n === 2)) throw new Error('change 2 is refused by the database');
      return changes.map((c) => c.n);
    }, options);
    const results = [1, 2, 3].map((n) => queue.submit({ n, seatCount: 1 }));
    await assert.rejects(results[1]!, /change 2 is refused/);
    assert.deepEqual(await Promise.all([results[0], results[2]]), [1, 3]);
    assert.deepEqual(batches, [[1, 2, 3], [1], [2], [3]]);
  });
});

describe('mark_seats: a batch keeps every change its own', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let bus: ChangeBus;
  const notifications: string[] = [];
  let calls = 0;
  let halls: { id: number; seats: number[] }[];
  let model: ReturnType<typeof createSeatModel>;
  const channel = 'group_commit_test';

  before(async () => {
    testDatabase = await createTestDatabase();
    database = await openDatabase({ databaseUrl: testDatabase.databaseUrl, dataDir: testDatabase.dataDir, logger: quietLogger });
    if (database.pglite) bus = new PgliteBus(database.pglite);
    else {
      const postgres = new PostgresBus(database.connectionString!, quietLogger);
      await postgres.start();
      bus = postgres;
    }
    await bus.listen(channel, (payload) => notifications.push(payload));
    await database.sql(`INSERT INTO cinema (name, color) VALUES ('c', '#000')`, []);
    await database.sql(`INSERT INTO seat_type (name, color) VALUES ('t', '#000')`, []);
    await database.sql(`INSERT INTO hall (cinema_id, name, rows, places) SELECT (SELECT id FROM cinema), 'h' || g, 1, 3 FROM generate_series(1, 2) g`, []);
    await database.sql(
      `INSERT INTO seat (hall_id, row, place, x, y, width, height, seat_type_id)
       SELECT h.id, 1, p, p, 1, 1, 1, (SELECT id FROM seat_type) FROM hall h, generate_series(1, 3) p`,
      [],
    );
    halls = await database.sql(`SELECT hall_id AS id, array_agg(id ORDER BY id) AS seats FROM seat GROUP BY hall_id ORDER BY hall_id`, []);
    const counted = <T>(text: string, params: unknown[]) => {
      calls++;
      return database.sql<T>(text, params);
    };
    model = createSeatModel(database.prisma, counted, { maxInFlight: 1, maxChanges: 100, maxSeats: 2_000 }, channel);
  });
  after(async () => {
    await bus.close();
    await database.close();
    await testDatabase.drop();
  });

  it('applies changes in order with consecutive versions, refusing only the ones that break a rule', async () => {
    const [a, b] = halls as [{ id: number; seats: number[] }, { id: number; seats: number[] }];
    const [a1, a2, a3] = a.seats as [number, number, number];
    const staleVersion = 0;
    const change = (hallId: number, seats: [number, string][], expectedVersion?: number) =>
      model.markSeats({ showingId: null, hallId, seats: seats.map(([seat_id, status]) => ({ seat_id, status: status as 'VACANT' })), userId: null, expectedVersion });
    calls = 0;
    const results: MarkSeatsResult[] = await Promise.all([
      change(a.id, [[a1, 'OCCUPIED']], 0), // v1
      change(a.id, [[a2, 'OCCUPIED']], staleVersion), // conflict: the change before moved the hall to 1
      change(a.id, [[a3, 'MAINTENANCE'], [b.seats[0] as number, 'OCCUPIED']]), // a seat of another hall: nothing written
      change(a.id, [[a1, 'OCCUPIED']]), // no-op after the first change
      change(b.id, [[b.seats[1] as number, 'OCCUPIED']]), // other hall: v1
      change(a.id, [[a2, 'MAINTENANCE'], [a3, 'OCCUPIED']], 1), // v2, sees the first change's version
      change(999_999, [[a1, 'VACANT']]), // no such hall
    ]);
    assert.equal(calls, 1, 'changes submitted together share one database call');
    const summary = results.map((r) => [r.version, r.current, r.hallExists, r.found, r.changed]);
    assert.deepEqual(summary, [
      [1, 1, true, 1, 1],
      // Refused changes write nothing, so they count no changed seats.
      [null, 1, true, 1, 0],
      [null, 1, true, 1, 0],
      [null, 1, true, 1, 0],
      [1, 1, true, 1, 1],
      [2, 2, true, 2, 2],
      [null, null, false, 0, 0],
    ]);
    assert.deepEqual(
      results[5]!.seats.map((s) => [s.id, s.old_status, s.status]),
      [
        [a2, 'VACANT', 'MAINTENANCE'],
        [a3, 'VACANT', 'OCCUPIED'],
      ],
    );
    const events = await database.sql<{ hall_id: number; version: number; seat_id: number; new_status: string }>(
      `SELECT hall_id, version, seat_id, new_status FROM seat_event ORDER BY hall_id, version, seat_id`,
      [],
    );
    assert.deepEqual(
      events.map((e) => [e.hall_id, e.version, e.seat_id, e.new_status]),
      [
        [a.id, 1, a1, 'OCCUPIED'],
        [a.id, 2, a2, 'MAINTENANCE'],
        [a.id, 2, a3, 'OCCUPIED'],
        [b.id, 1, b.seats[1], 'OCCUPIED'],
      ],
    );
    const statuses = await database.sql<{ id: number; status: string }>(`SELECT id, status FROM seat WHERE hall_id = $1 ORDER BY id`, [a.id]);
    assert.deepEqual(statuses.map((s) => s.status), ['OCCUPIED', 'MAINTENANCE', 'OCCUPIED']);
    // One notification per changed hall, carrying its last version and what the call
    // committed to it, after the commit.
    const deadline = Date.now() + 2_000;
    while (notifications.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    const parsed = notifications.map((payload) => parseStreamNotification(payload)!).sort((x, y) => x.key.localeCompare(y.key));
    assert.deepEqual(parsed.map(({ key, version }) => `${key}:${version}`), [`hall:${a.id}:2`, `hall:${b.id}:1`].sort());
    const carried = (key: string) => parsed.find((n) => n.key === key)?.changes?.map((c) => [c.version, c.seats.map((seat) => [seat.id, seat.status])]);
    assert.deepEqual(carried(`hall:${a.id}`), [[1, [[a1, 'OCCUPIED']]], [2, [[a2, 'MAINTENANCE'], [a3, 'OCCUPIED']]]]);
    assert.deepEqual(carried(`hall:${b.id}`), [[1, [[b.seats[1], 'OCCUPIED']]]]);
  });

  it('writes the other changes of a batch in which one fails in the database', async () => {
    const [a, b] = halls as [{ id: number; seats: number[] }, { id: number; seats: number[] }];
    const [hallA] = await database.sql<{ version: number }>(`SELECT version FROM hall WHERE id = $1`, [a.id]);
    const [hallB] = await database.sql<{ version: number }>(`SELECT version FROM hall WHERE id = $1`, [b.id]);
    calls = 0;
    // An expected_version beyond int4 (the schemas refuse it; here it goes straight in)
    // fails the ::int cast inside mark_seats.
    const [before, bad, afterIt] = await Promise.allSettled([
      model.markSeats({ showingId: null, hallId: a.id, seats: [{ seat_id: a.seats[0]!, status: 'MAINTENANCE' }], userId: null, expectedVersion: undefined }),
      model.markSeats({ showingId: null, hallId: a.id, seats: [{ seat_id: a.seats[1]!, status: 'VACANT' }], userId: null, expectedVersion: 2 ** 31 }),
      model.markSeats({ showingId: null, hallId: b.id, seats: [{ seat_id: b.seats[2]!, status: 'OCCUPIED' }], userId: null, expectedVersion: undefined }),
    ]);
    assert.equal(bad.status, 'rejected');
    assert.deepEqual(
      [before, afterIt].map((r) => (r.status === 'fulfilled' ? r.value.version : String(r.reason))),
      [hallA!.version + 1, hallB!.version + 1],
    );
    assert.ok(calls > 1, 'the batch was one call, then one per change');
  });
});
