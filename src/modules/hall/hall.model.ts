// Data access for halls. Prisma only; no protocol here.
import { Prisma, type PrismaClient } from '../../generated/prisma/client.js';
import type { StreamRef } from '../seat/index.js';
import type { HallRow } from './hall.types.js';

/** A timestamptz column as `toISOString()` writes it, inside a raw query. */
const UTC_ISO = (column: string) => Prisma.raw(`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

export type LockedChangeOutcome = 'done' | 'not_found' | 'occupied';

interface NewSeat {
  row: number;
  place: number;
  x: number;
  y: number;
  width: number;
  height: number;
  rotation: number;
  seat_type_id: number;
}

export function createHallModel(prisma: PrismaClient) {
  return {
    /**
     * One seat map with its seats and seat types in ONE statement, so version and seats
     * come from one snapshot (two queries could pair a version with seats of a later one):
     * the hall's own, or a showing's (statuses from showing_seat, version from the showing).
     */
    async loadStream(ref: StreamRef): Promise<HallRow | null> {
      const rows =
        ref.showing_id === null
          ? await prisma.$queryRaw<HallRow[]>`
        SELECT h.id, h.cinema_id, c.name AS cinema_name, h.name, h.rows, h.places, h.version, NULL::json AS showing,
          COALESCE((
            SELECT json_agg(json_build_object(
              'id', s.id, 'row', s.row, 'place', s.place, 'x', s.x, 'y', s.y, 'width', s.width,
              'height', s.height, 'rotation', s.rotation, 'status', s.status,
              'updated_at', to_char(s.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
              'seat_type_id', s.seat_type_id) ORDER BY s.row, s.place)
            FROM seat s WHERE s.hall_id = h.id), '[]') AS seats,
          COALESCE((
            SELECT json_agg(json_build_object('id', t.id, 'name', t.name, 'color', t.color) ORDER BY t.id)
            FROM seat_type t WHERE t.id IN (SELECT seat_type_id FROM seat WHERE hall_id = h.id)), '[]') AS seat_types
        FROM hall h JOIN cinema c ON c.id = h.cinema_id
        WHERE h.id = ${ref.hall_id}`
          : await prisma.$queryRaw<HallRow[]>`
        SELECT h.id, h.cinema_id, c.name AS cinema_name, h.name, h.rows, h.places, sh.version,
          json_build_object('id', sh.id, 'hall_id', sh.hall_id, 'title', sh.title,
            'starts_at', ${UTC_ISO('sh.starts_at')}, 'ends_at', ${UTC_ISO('sh.ends_at')}, 'status', sh.status) AS showing,
          COALESCE((
            SELECT json_agg(json_build_object(
              'id', s.id, 'row', s.row, 'place', s.place, 'x', s.x, 'y', s.y, 'width', s.width,
              'height', s.height, 'rotation', s.rotation,
              'status', CASE WHEN ss.maintenance THEN 'MAINTENANCE' ELSE COALESCE(ss.status::text, 'VACANT') END,
              'updated_at', to_char(COALESCE(ss.updated_at, sh.created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
              'seat_type_id', s.seat_type_id) ORDER BY s.row, s.place)
            FROM seat s LEFT JOIN showing_seat ss ON ss.showing_id = sh.id AND ss.seat_id = s.id
            WHERE s.hall_id = h.id), '[]') AS seats,
          COALESCE((
            SELECT json_agg(json_build_object('id', t.id, 'name', t.name, 'color', t.color) ORDER BY t.id)
            FROM seat_type t WHERE t.id IN (SELECT seat_type_id FROM seat WHERE hall_id = h.id)), '[]') AS seat_types
        FROM showing sh JOIN hall h ON h.id = sh.hall_id JOIN cinema c ON c.id = h.cinema_id
        WHERE sh.id = ${ref.showing_id}`;
      return rows[0] ?? null;
    },

    async createHall(data: { cinema_id: number; name: string; rows: number; places: number; seats: NewSeat[] }): Promise<number> {
      return prisma.$transaction(async (tx) => {
        const hall = await tx.hall.create({
          data: { cinema_id: data.cinema_id, name: data.name, rows: data.rows, places: data.places },
          select: { id: true },
        });
        await tx.seat.createMany({ data: data.seats.map((seat) => ({ ...seat, hall_id: hall.id })) });
        return hall.id;
      });
    },

    async cinemaExists(id: number): Promise<boolean> {
      return (await prisma.cinema.count({ where: { id } })) > 0;
    },

    async seatTypesExist(ids: number[]): Promise<boolean> {
      const unique = [...new Set(ids)];
      return (await prisma.seatType.count({ where: { id: { in: unique } } })) === unique.length;
    },

    /**
     * Locks the hall row and then its seats (id order), the order every seat writer uses
     * (migration group_commit), so an admin change and a seat change cannot deadlock;
     * then checks for OCCUPIED seats (of the hall's own map, or of a showing that has not
     * ended) with a fresh read and runs `change` only when there are none.
     */
    async withHallLockedIfNoneOccupied(id: number, change: (tx: Prisma.TransactionClient) => Promise<void>): Promise<LockedChangeOutcome> {
      return prisma.$transaction(async (tx) => {
        const hall = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM hall WHERE id = ${id} FOR UPDATE`;
        if (hall.length === 0) return 'not_found';
        await tx.$queryRaw`SELECT id FROM seat WHERE hall_id = ${id} ORDER BY id FOR UPDATE`;
        const occupied = await tx.seat.count({ where: { hall_id: id, status: 'OCCUPIED' } });
        // Sold seats of a showing still to come count too.
        const sold = await tx.showingSeat.count({
          where: { status: 'OCCUPIED', showing: { hall_id: id, status: 'scheduled', ends_at: { gt: new Date() } } },
        });
        if (occupied + sold > 0) return 'occupied';
        await change(tx);
        return 'done';
      });
    },

  };
}

export type HallModel = ReturnType<typeof createHallModel>;
