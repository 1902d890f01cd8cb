// Data access for cinemas. Prisma only; no protocol here.
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { StatusCounts } from '../seat/index.js';
import type { CinemaView } from './cinema.types.js';

interface CinemaRow {
  id: number;
  name: string;
  color: string;
  created_at: Date;
  halls: { id: number; name: string; rows: number; places: number; stream: string; version: number; seats_count: StatusCounts }[];
}

export function createCinemaModel(prisma: PrismaClient) {
  return {
    /**
     * Every cinema with its halls, the versions and counts of each hall's current seat map
     * (its own, kept in the hall row by triggers, or its current showing's), from one snapshot.
     */
    async listWithCounts(current: ReadonlyMap<number, number>): Promise<{ cinemas: CinemaView[]; versions: Map<number, { stream: string; version: number }> }> {
      const pairs = JSON.stringify([...current].map(([hall_id, showing_id]) => ({ hall_id, showing_id })));
      const rows = await prisma.$queryRaw<CinemaRow[]>`
        SELECT c.id, c.name, c.color, c.created_at,
          COALESCE(json_agg(CASE WHEN sh.id IS NULL THEN json_build_object(
            'id', h.id, 'name', h.name, 'rows', h.rows, 'places', h.places, 'stream', 'hall:' || h.id, 'version', h.version,
            'seats_count', json_build_object('VACANT', h.seats_vacant, 'OCCUPIED', h.seats_occupied, 'MAINTENANCE', h.seats_maintenance, 'HELD', 0)
          ) ELSE json_build_object(
            'id', h.id, 'name', h.name, 'rows', h.rows, 'places', h.places, 'stream', 'showing:' || sh.id, 'version', sh.version,
            'seats_count', json_build_object(
              'VACANT', h.seats_vacant + h.seats_occupied + h.seats_maintenance - sh.seats_occupied - sh.seats_maintenance - sh.seats_held,
              'OCCUPIED', sh.seats_occupied, 'MAINTENANCE', sh.seats_maintenance, 'HELD', sh.seats_held)
          ) END ORDER BY h.id) FILTER (WHERE h.id IS NOT NULL), '[]') AS halls
        FROM cinema c
        LEFT JOIN hall h ON h.cinema_id = c.id
        LEFT JOIN jsonb_to_recordset(${pairs}::jsonb) AS cur(hall_id int, showing_id int) ON cur.hall_id = h.id
        LEFT JOIN showing sh ON sh.id = cur.showing_id AND sh.hall_id = h.id
        GROUP BY c.id
        ORDER BY c.id`;
      const versions = new Map<number, { stream: string; version: number }>();
      const cinemas = rows.map((row) => ({
        id: row.id,
        name: row.name,
        color: row.color,
        created_at: row.created_at.toISOString(),
        halls: row.halls.map(({ version, stream, ...hall }) => {
          versions.set(hall.id, { stream, version });
          return hall;
        }),
      }));
      return { cinemas, versions };
    },

    async create(data: { name: string; color: string }): Promise<number> {
      return (await prisma.cinema.create({ data, select: { id: true } })).id;
    },

    async update(id: number, data: { name?: string; color?: string }): Promise<boolean> {
      return (await prisma.cinema.updateMany({ where: { id }, data })).count === 1;
    },

    /** Deletes unless a seat in any of its halls is OCCUPIED; seats are locked first, as the seat write does. */
    async deleteIfNoneOccupied(id: number): Promise<'done' | 'not_found' | 'occupied'> {
      return prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT s.id FROM seat s JOIN hall h ON h.id = s.hall_id WHERE h.cinema_id = ${id} ORDER BY s.id FOR UPDATE OF s`;
        const found = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM cinema WHERE id = ${id} FOR UPDATE`;
        if (found.length === 0) return 'not_found';
        const occupied = await tx.seat.count({ where: { hall: { cinema_id: id }, status: 'OCCUPIED' } });
        const sold = await tx.showingSeat.count({
          where: { status: 'OCCUPIED', showing: { hall: { cinema_id: id }, status: 'scheduled', ends_at: { gt: new Date() } } },
        });
        if (occupied + sold > 0) return 'occupied';
        await tx.cinema.delete({ where: { id } });
        return 'done';
      });
    },

  };
}

export type CinemaModel = ReturnType<typeof createCinemaModel>;
