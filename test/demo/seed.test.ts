// Demo seeding against a real database: everything the demo describes is stored, once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type Database } from '../../src/core/db/index.js';
import { demoCinemas, demoSeatTypes } from '../../src/demo/demo-data.js';
import { seedDemoData } from '../../src/demo/seed.js';
import { createTestDatabase, quietLogger, type TestDatabase } from '../support/database.js';

describe('demo seeding', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  const demo = demoCinemas({ standard: 1, vip: 2, wheelchair: 3 });

  before(async () => {
    testDatabase = await createTestDatabase();
    database = await openDatabase({ ...testDatabase, logger: quietLogger });
  });

  after(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  it('stores every cinema, hall and seat of the demo, keeping a seat type an admin restyled', async () => {
    const { prisma } = database;
    await prisma.seatType.create({ data: { name: demoSeatTypes.vip.name, color: '#123456' } });
    const result = await seedDemoData(prisma);
    const seatCount = demo.flatMap((c) => c.halls).reduce((n, h) => n + h.seats.length, 0);
    assert.deepEqual(result, { seeded: true, cinemas: demo.length, halls: 3, seats: seatCount });

    const types = await prisma.seatType.findMany({ orderBy: { name: 'asc' } });
    assert.deepEqual(types.map((t) => t.name).sort(), Object.values(demoSeatTypes).map((t) => t.name).sort());
    assert.equal(types.find((t) => t.name === demoSeatTypes.vip.name)?.color, '#123456');
    const typeName = new Map(types.map((t) => [t.id, t.name]));
    const keyName = { 1: demoSeatTypes.standard.name, 2: demoSeatTypes.vip.name, 3: demoSeatTypes.wheelchair.name } as Record<number, string>;

    for (const cinema of demo) {
      const stored = await prisma.cinema.findFirstOrThrow({ where: { name: cinema.name }, include: { halls: { include: { seats: true } } } });
      assert.equal(stored.color, cinema.color);
      for (const hall of cinema.halls) {
        const storedHall = stored.halls.find((h) => h.name === hall.name)!;
        assert.deepEqual([storedHall.rows, storedHall.places, storedHall.version], [hall.rows, hall.places, 0]);
        const key = (s: { row: number; place: number }) => `${s.row}:${s.place}`;
        const byPlace = new Map(storedHall.seats.map((s) => [key(s), s]));
        assert.equal(byPlace.size, hall.seats.length);
        for (const seat of hall.seats) {
          const got = byPlace.get(key(seat))!;
          assert.deepEqual(
            [got.status, typeName.get(got.seat_type_id), got.x, got.y, got.width, got.height, got.rotation],
            [seat.status, keyName[seat.seat_type_id], seat.x, seat.y, seat.width, seat.height, seat.rotation],
          );
        }
      }
    }
    assert.equal(await prisma.seatEvent.count(), 0, 'the demo is a starting state, not a history');
  });

  it('leaves a database that has cinemas alone', async () => {
    assert.deepEqual(await seedDemoData(database.prisma), { seeded: false, cinemas: 0, halls: 0, seats: 0 });
    assert.equal(await database.prisma.cinema.count(), demo.length);
  });

  it('replaces every cinema with force', async () => {
    await database.prisma.cinema.create({ data: { name: 'Not From The Demo', color: '#000000' } });
    const result = await seedDemoData(database.prisma, { force: true });
    assert.equal(result.seeded, true);
    assert.deepEqual((await database.prisma.cinema.findMany({ orderBy: { name: 'asc' } })).map((c) => c.name), demo.map((c) => c.name).sort());
  });
});
