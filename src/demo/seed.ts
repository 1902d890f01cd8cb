// Writes the demo world into an empty database, so a first start shows real halls.
// One transaction: a failure leaves nothing half-seeded. Bulk inserts keep it well under
// half a second. No SeatEvent rows and hall.version stays 0: the demo is the starting
// state, not a history of changes.
import type { PrismaClient } from '../generated/prisma/client.js';
import { demoCinemas, demoSeatTypes, type DemoSeatTypeIds } from './demo-data.js';

export interface SeedResult {
  seeded: boolean;
  cinemas: number;
  halls: number;
  seats: number;
}

export interface SeedOptions {
  /** Replace existing cinemas (their halls, seats and events go with them). */
  force?: boolean;
}

/** Seeds the demo data when no cinema exists yet, or always with force. */
export async function seedDemoData(prisma: PrismaClient, options: SeedOptions = {}): Promise<SeedResult> {
  return prisma.$transaction(async (tx) => {
    // Instances starting together on an empty database would both see no cinema; the
    // second waits here and then sees the first one's. The key is arbitrary, it only has
    // to differ from the migrator's (72707369).
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(73656564)`;
    if (options.force) await tx.cinema.deleteMany();
    else if ((await tx.cinema.count()) > 0) return { seeded: false, cinemas: 0, halls: 0, seats: 0 };

    // Upserted by name and otherwise left alone: they may predate the demo, restyled by an admin.
    const types = {} as DemoSeatTypeIds;
    for (const key of Object.keys(demoSeatTypes) as (keyof DemoSeatTypeIds)[]) {
      const { name, color } = demoSeatTypes[key];
      const row = await tx.seatType.upsert({ where: { name }, create: { name, color }, update: {}, select: { id: true } });
      types[key] = row.id;
    }

    const cinemas = demoCinemas(types);
    const cinemaRows = await tx.cinema.createManyAndReturn({
      data: cinemas.map(({ name, color }) => ({ name, color })),
      select: { id: true, name: true },
    });
    // Matched by name: RETURNING order is not a documented guarantee.
    const cinemaIds = new Map(cinemaRows.map((c) => [c.name, c.id]));
    const hallRows = await tx.hall.createManyAndReturn({
      data: cinemas.flatMap((cinema) =>
        cinema.halls.map((hall) => ({ cinema_id: cinemaIds.get(cinema.name)!, name: hall.name, rows: hall.rows, places: hall.places })),
      ),
      select: { id: true, cinema_id: true, name: true },
    });
    const hallIds = new Map(hallRows.map((h) => [`${h.cinema_id}:${h.name}`, h.id]));
    const seats = cinemas.flatMap((cinema) =>
      cinema.halls.flatMap((hall) => {
        const hall_id = hallIds.get(`${cinemaIds.get(cinema.name)!}:${hall.name}`)!;
        return hall.seats.map((seat) => ({ hall_id, ...seat }));
      }),
    );
    const column = <K extends keyof (typeof seats)[number]>(key: K) => seats.map((seat) => seat[key]);
    // One array per column instead of seat.createMany: measured with 708 seats, createMany
    // took 250-350 ms warm and over 1 s on a fresh client (PostgreSQL and PGlite alike),
    // this 20-40 ms, which keeps a first start quick.
    const inserted = await tx.$executeRaw`
      INSERT INTO seat (hall_id, row, place, x, y, width, height, rotation, seat_type_id, status)
      SELECT hall_id, row, place, x, y, width, height, rotation, seat_type_id, status::"SeatStatus"
      FROM unnest(
        ${column('hall_id')}::int[], ${column('row')}::int[], ${column('place')}::int[],
        ${column('x')}::float8[], ${column('y')}::float8[], ${column('width')}::float8[], ${column('height')}::float8[],
        ${column('rotation')}::float8[], ${column('seat_type_id')}::int[], ${column('status')}::text[]
      ) AS s(hall_id, row, place, x, y, width, height, rotation, seat_type_id, status)`;
    return { seeded: true, cinemas: cinemaRows.length, halls: hallRows.length, seats: inserted };
  });
}
