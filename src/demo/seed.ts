// Writes the demo world into an empty database, so a first start shows real halls.
// No SeatEvent rows and hall.version stays 0: the demo is the starting state, not a
// history of changes.
//
// Cheap on purpose, because it runs on every start (docs/performance.md, scenario 5):
// a database that has cinemas costs one query, outside any transaction; a new one costs
// one transaction holding a single INSERT statement for every row. Through Prisma's model
// calls (upserts, createManyAndReturn, a transaction of several round trips) seeding took
// 0.5-1.2 s of a first start on PGlite.
import { createHash } from 'node:crypto';
import type { TemplateContents } from '../core/db/index.js';
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

const NOT_SEEDED: SeedResult = { seeded: false, cinemas: 0, halls: 0, seats: 0 };

type SeatTypeKey = keyof DemoSeatTypeIds;

/**
 * The demo as parallel column arrays, the shape `unnest` turns back into rows. Rows refer
 * to each other by name (cinema, hall, seat type), because database ids exist only once
 * the statement runs.
 */
function demoColumns() {
  // The layout only carries seat type ids through; stand-ins that map back to the keys.
  const keys = Object.keys(demoSeatTypes) as SeatTypeKey[];
  const standIns = Object.fromEntries(keys.map((key, index) => [key, index + 1])) as DemoSeatTypeIds;
  const cinemas = demoCinemas(standIns);
  const halls = cinemas.flatMap((cinema) => cinema.halls.map((hall) => ({ cinema: cinema.name, ...hall })));
  const seats = halls.flatMap((hall) => hall.seats.map((seat) => ({ cinema: hall.cinema, hall: hall.name, ...seat })));
  return {
    types: { name: keys.map((key) => demoSeatTypes[key].name), color: keys.map((key) => demoSeatTypes[key].color) },
    cinemas: { name: cinemas.map((c) => c.name), color: cinemas.map((c) => c.color) },
    halls: { cinema: halls.map((h) => h.cinema), name: halls.map((h) => h.name), rows: halls.map((h) => h.rows), places: halls.map((h) => h.places) },
    seats: {
      cinema: seats.map((s) => s.cinema),
      hall: seats.map((s) => s.hall),
      row: seats.map((s) => s.row),
      place: seats.map((s) => s.place),
      x: seats.map((s) => s.x),
      y: seats.map((s) => s.y),
      width: seats.map((s) => s.width),
      height: seats.map((s) => s.height),
      rotation: seats.map((s) => s.rotation),
      type: seats.map((s) => demoSeatTypes[keys[s.seat_type_id - 1]!].name),
      status: seats.map((s) => s.status),
    },
  };
}

/** Seeds the demo data when no cinema exists yet, or always with force. */
export async function seedDemoData(prisma: PrismaClient, options: SeedOptions = {}): Promise<SeedResult> {
  if (!options.force && (await hasCinema(prisma))) return NOT_SEEDED;
  const demo = demoColumns();
  return prisma.$transaction(async (tx) => {
    // Instances starting together on an empty database would both see no cinema; the
    // second waits here and then sees the first one's. The key is arbitrary, it only has
    // to differ from the migrator's (72707369).
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(73656564)`;
    if (options.force) await tx.$executeRaw`DELETE FROM cinema`;
    else if (await hasCinema(tx)) return NOT_SEEDED;

    // Seat types are upserted by name and otherwise left alone: they may predate the demo,
    // restyled by an admin. The no-op update makes RETURNING include an existing row.
    const [counts] = await tx.$queryRaw<{ cinemas: number; halls: number; seats: number }[]>`
      WITH seat_types AS (
        INSERT INTO seat_type (name, color)
        SELECT * FROM unnest(${demo.types.name}::text[], ${demo.types.color}::text[])
        ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
        RETURNING id, name
      ), cinemas AS (
        INSERT INTO cinema (name, color)
        SELECT * FROM unnest(${demo.cinemas.name}::text[], ${demo.cinemas.color}::text[])
        RETURNING id, name
      ), halls AS (
        INSERT INTO hall (cinema_id, name, rows, places)
        SELECT cinemas.id, h.name, h.rows, h.places
        FROM unnest(${demo.halls.cinema}::text[], ${demo.halls.name}::text[], ${demo.halls.rows}::int[], ${demo.halls.places}::int[])
          AS h(cinema, name, rows, places)
        JOIN cinemas ON cinemas.name = h.cinema
        RETURNING id, cinema_id, name
      ), seats AS (
        INSERT INTO seat (hall_id, row, place, x, y, width, height, rotation, seat_type_id, status)
        SELECT halls.id, s.row, s.place, s.x, s.y, s.width, s.height, s.rotation, seat_types.id, s.status::"SeatStatus"
        FROM unnest(
          ${demo.seats.cinema}::text[], ${demo.seats.hall}::text[], ${demo.seats.row}::int[], ${demo.seats.place}::int[],
          ${demo.seats.x}::float8[], ${demo.seats.y}::float8[], ${demo.seats.width}::float8[], ${demo.seats.height}::float8[],
          ${demo.seats.rotation}::float8[], ${demo.seats.type}::text[], ${demo.seats.status}::text[]
        ) AS s(cinema, hall, row, place, x, y, width, height, rotation, seat_type, status)
        JOIN cinemas ON cinemas.name = s.cinema
        JOIN halls ON halls.cinema_id = cinemas.id AND halls.name = s.hall
        JOIN seat_types ON seat_types.name = s.seat_type
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM cinemas)::int AS cinemas, (SELECT count(*) FROM halls)::int AS halls, (SELECT count(*) FROM seats)::int AS seats`;
    // The joins match by name: a mismatch would drop rows silently, so count them all.
    const expected = { cinemas: demo.cinemas.name.length, halls: demo.halls.name.length, seats: demo.seats.row.length };
    if (counts?.cinemas !== expected.cinemas || counts.halls !== expected.halls || counts.seats !== expected.seats) {
      throw new Error(`demo seeding wrote ${JSON.stringify(counts)}, expected ${JSON.stringify(expected)}`);
    }
    return { seeded: true, ...expected };
  });
}

/**
 * The demo as what a new embedded data folder starts with (core/db copies it from a
 * cached template, built once with `seedDemoData`): even as one statement, seeding took
 * 0.5-1.2 s of a first start on PGlite, mostly PostgreSQL's per-row foreign-key checks
 * of the seats. The server still calls `seedDemoData` after opening, which then finds the
 * cinemas; on PostgreSQL that call is what seeds.
 */
export const demoTemplateContents: TemplateContents = {
  // The demo's rows name the template: a changed demo builds a new one. Bump the prefix
  // when the statement above changes what it writes for the same rows.
  key: () => `demo-1:${createHash('sha256').update(JSON.stringify(demoColumns())).digest('hex')}`,
  async fill(prisma) {
    await seedDemoData(prisma);
  },
};

async function hasCinema(prisma: Pick<PrismaClient, '$queryRaw'>): Promise<boolean> {
  const [row] = await prisma.$queryRaw<{ found: boolean }[]>`SELECT EXISTS (SELECT 1 FROM cinema) AS found`;
  return row?.found === true;
}
