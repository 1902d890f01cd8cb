// The demo's showings: today and tomorrow, from the server's clock at the first start of a
// new database (never from the day a template was built), so a first `npm start` shows a
// live day on the lobby boards. Written straight into the tables in one statement, like
// the demo itself: a starting state, not a history of changes (versions stay 0).
import type { PrismaClient } from '../generated/prisma/client.js';
import { endOfLocalDay } from '../core/time-zone.js';

/** Invented titles: the demo names no real film. */
const TITLES = [
  'The Last Lighthouse',
  'Paper Comets',
  'Night Train to Vesna',
  'A Quiet Orbit',
  'The Cartographer\'s Daughter',
  'Salt and Thunder',
  'Glass Harbour',
  'Midnight at the Aurora',
  'The Long Summer of Juniper Hale',
  'Seven Bridges Down',
  'Copper Sky',
  'Echoes of the Tideland',
];

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** Local start times of the day's showings (minutes after midnight); two hours each, half an hour between. */
const SLOTS = [10 * 60, 12 * 60 + 30, 15 * 60, 17 * 60 + 30, 20 * 60, 22 * 60 + 30];
const LENGTH_MS = 2 * HOUR;

export interface DemoShowing {
  hall_id: number;
  title: string;
  starts_at: Date;
  ends_at: Date;
  /** Percent of seats sold, so the boards show a lived-in day. */
  sold_percent: number;
}

/** The demo schedule for these halls: today's showings not yet ended, and tomorrow's. */
export function demoSchedule(hallIds: number[], now: number, timeZone: string): DemoShowing[] {
  const today = endOfLocalDay(now, timeZone) - 24 * HOUR;
  const showings: DemoShowing[] = [];
  hallIds.forEach((hall_id, hallIndex) => {
    // Halls start a quarter of an hour apart: boards change through the day, not all at once.
    const stagger = (hallIndex % 4) * 15 * MINUTE;
    for (const day of [0, 1]) {
      SLOTS.forEach((minutes, slot) => {
        const starts = today + day * 24 * HOUR + minutes * MINUTE + stagger;
        if (starts + LENGTH_MS <= now) return;
        const soon = starts - now < 6 * HOUR;
        showings.push({
          hall_id,
          title: TITLES[(hallIndex * 5 + slot) % TITLES.length]!,
          starts_at: new Date(starts),
          ends_at: new Date(starts + LENGTH_MS),
          sold_percent: soon ? 20 + ((hallIndex * 37 + slot * 23) % 60) : 5 + ((hallIndex + slot) % 10),
        });
      });
    }
  });
  return showings;
}

/**
 * Writes the demo schedule for every hall when no showing exists yet. Seats under
 * maintenance show so in every showing; a share of the others is sold.
 */
export async function seedDemoSchedule(prisma: PrismaClient, options: { now: number; timeZone: string }): Promise<number> {
  return prisma.$transaction(async (tx) => {
    const halls = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM hall ORDER BY id FOR UPDATE`;
    const [existing] = await tx.$queryRaw<{ found: boolean }[]>`SELECT EXISTS (SELECT 1 FROM showing) AS found`;
    if (existing?.found) return 0;
    const showings = demoSchedule(
      halls.map((h) => h.id),
      options.now,
      options.timeZone,
    );
    if (showings.length === 0) return 0;
    await tx.$executeRaw`
      WITH input AS (
        SELECT * FROM unnest(${showings.map((s) => s.hall_id)}::int[], ${showings.map((s) => s.title)}::text[],
          ${showings.map((s) => s.starts_at)}::timestamptz[], ${showings.map((s) => s.ends_at)}::timestamptz[],
          ${showings.map((s) => s.sold_percent)}::int[]) AS t(hall_id, title, starts_at, ends_at, sold_percent)
      ), created AS (
        INSERT INTO showing (hall_id, title, starts_at, ends_at)
        SELECT hall_id, title, starts_at, ends_at FROM input
        RETURNING id, hall_id, starts_at
      ), seats AS (
        INSERT INTO showing_seat (showing_id, seat_id, status, maintenance, updated_at)
        SELECT c.id, s.id,
          (CASE WHEN (s.id * 7919 + c.id * 104729) % 100 < i.sold_percent THEN 'OCCUPIED' ELSE 'VACANT' END)::"SeatStatus",
          s.status = 'MAINTENANCE', transaction_timestamp()
        FROM created c
        JOIN input i ON i.hall_id = c.hall_id AND i.starts_at = c.starts_at
        JOIN seat s ON s.hall_id = c.hall_id
        WHERE s.status = 'MAINTENANCE' OR (s.id * 7919 + c.id * 104729) % 100 < i.sold_percent
        RETURNING 1
      )
      SELECT count(*) FROM seats`;
    // A second statement: the one above cannot update the showing rows it inserted.
    await tx.$executeRaw`
      UPDATE showing sh SET
        seats_occupied = (SELECT count(*) FROM showing_seat ss WHERE ss.showing_id = sh.id AND ss.status = 'OCCUPIED' AND NOT ss.maintenance),
        seats_maintenance = (SELECT count(*) FROM showing_seat ss WHERE ss.showing_id = sh.id AND ss.maintenance)`;
    return showings.length;
  });
}
