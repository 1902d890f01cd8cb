// Each hall row carries its seat counts per status, moved by mark_seats and by triggers
// on seat INSERT and DELETE: after new seats, batches of changes (no-ops included), a
// plain delete and a hall's cascade, the counts must equal a count of the seat rows.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type Database } from '../../../src/core/db/index.js';
import { createTestDatabase, quietLogger, type TestDatabase } from '../../support/database.js';

describe('hall seat counts', () => {
  let testDatabase: TestDatabase;
  let database: Database;

  before(async () => {
    testDatabase = await createTestDatabase();
    database = await openDatabase({ databaseUrl: testDatabase.databaseUrl, dataDir: testDatabase.dataDir, logger: quietLogger });
  });
  after(async () => {
    await database.close();
    await testDatabase.drop();
  });

  const stored = () =>
    database.sql<{ id: number; v: number; o: number; m: number }>(
      `SELECT id, seats_vacant AS v, seats_occupied AS o, seats_maintenance AS m FROM hall ORDER BY id`,
      [],
    );
  const counted = () =>
    database.sql<{ id: number; v: number; o: number; m: number }>(
      `SELECT h.id,
         (SELECT count(*) FROM seat s WHERE s.hall_id = h.id AND s.status = 'VACANT')::int AS v,
         (SELECT count(*) FROM seat s WHERE s.hall_id = h.id AND s.status = 'OCCUPIED')::int AS o,
         (SELECT count(*) FROM seat s WHERE s.hall_id = h.id AND s.status = 'MAINTENANCE')::int AS m
       FROM hall h ORDER BY h.id`,
      [],
    );

  it('follow inserts, mark_seats batches and deletes', async () => {
    await database.sql(`INSERT INTO cinema (name, color) VALUES ('counts', '#000')`, []);
    await database.sql(`INSERT INTO seat_type (name, color) VALUES ('counts', '#000')`, []);
    await database.sql(`INSERT INTO hall (cinema_id, name, rows, places) SELECT (SELECT id FROM cinema WHERE name = 'counts'), 'c' || g, 2, 5 FROM generate_series(1, 3) g`, []);
    await database.sql(
      `INSERT INTO seat (hall_id, row, place, x, y, width, height, seat_type_id, status)
       SELECT h.id, r, p, p, r, 1, 1, (SELECT id FROM seat_type WHERE name = 'counts'), CASE WHEN p = 5 THEN 'MAINTENANCE'::"SeatStatus" ELSE 'VACANT' END
       FROM hall h, generate_series(1, 2) r, generate_series(1, 5) p WHERE h.name LIKE 'c%'`,
      [],
    );
    const halls = (await stored()).filter((h) => h.v + h.o + h.m > 0);
    assert.equal(halls.length, 3);
    assert.deepEqual(halls.map(({ v, o, m }) => [v, o, m]), [[8, 0, 2], [8, 0, 2], [8, 0, 2]]);

    const [a, b, c] = halls.map((h) => h.id) as [number, number, number];
    const seatsOf = async (hall: number) => (await database.sql<{ id: number }>(`SELECT id FROM seat WHERE hall_id = $1 ORDER BY id`, [hall])).map((s) => s.id);
    const [a1, a2, a3] = (await seatsOf(a)) as [number, number, number];
    const change = (hall_id: number, seats: [number, string][]) => ({ hall_id, seats: seats.map(([seat_id, status]) => ({ seat_id, status })), expected_version: null, user_id: null });
    await database.sql(`SELECT mark_seats($1::jsonb, 'counts_test')`, [
      JSON.stringify([
        change(a, [[a1, 'OCCUPIED'], [a2, 'OCCUPIED']]),
        change(a, [[a1, 'OCCUPIED'], [a3, 'MAINTENANCE']]), // a1 is a no-op here
        change(a, [[a2, 'VACANT']]),
      ]),
    ]);
    const [b1] = (await seatsOf(b)) as [number];
    await database.sql(`SELECT mark_seats($1::jsonb, 'counts_test')`, [
      JSON.stringify([change(b, [[b1, 'MAINTENANCE']]), change(b, [[b1, 'OCCUPIED']]), change(c, [[b1, 'VACANT']])]), // the last: not c's seat
    ]);
    await database.sql(`DELETE FROM seat WHERE hall_id = $1 AND place = 1`, [c]);
    assert.deepEqual(await stored(), await counted());
    const byId = new Map((await stored()).map((h) => [h.id, [h.v, h.o, h.m]]));
    assert.deepEqual(byId.get(a), [6, 1, 3]);

    await database.sql(`DELETE FROM hall WHERE id = $1`, [b]);
    assert.deepEqual(await stored(), await counted());
  });
});
