// Data access for cinemas. Prisma only; no protocol here.
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { StatusCounts } from '../seat/index.js';
import type { CinemaView } from './cinema.types.js';

interface CinemaRow {
  id: number;
  name: string;
  color: string;
  created_at: Date;
  halls: { id: number; name: string; rows: number; places: number; version: number; seats_count: StatusCounts }[];
}

export function createCinemaModel(prisma: PrismaClient) {
  return {
    /** Every cinema with its halls, their versions and counts (kept in the hall row by triggers), from one snapshot. */
    async listWithCounts(): Promise<{ cinemas: CinemaView[]; versions: Map<number, number> }> {
      const rows = await prisma.$queryRaw<CinemaRow[]>`
        SELECT c.id, c.name, c.color, c.created_at,
          COALESCE(json_agg(json_build_object(
            'id', h.id, 'name', h.name, 'rows', h.rows, 'places', h.places, 'version', h.version,
            'seats_count', json_build_object('VACANT', h.seats_vacant, 'OCCUPIED', h.seats_occupied, 'MAINTENANCE', h.seats_maintenance)
          ) ORDER BY h.id) FILTER (WHERE h.id IS NOT NULL), '[]') AS halls
        FROM cinema c
        LEFT JOIN hall h ON h.cinema_id = c.id
        GROUP BY c.id
        ORDER BY c.id`;
      const versions = new Map<number, number>();
      const cinemas = rows.map((row) => ({
        id: row.id,
        name: row.name,
        color: row.color,
        created_at: row.created_at.toISOString(),
        halls: row.halls.map(({ version, ...hall }) => {
          versions.set(hall.id, version);
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
        if (occupied > 0) return 'occupied';
        await tx.cinema.delete({ where: { id } });
        return 'done';
      });
    },

  };
}

export type CinemaModel = ReturnType<typeof createCinemaModel>;
