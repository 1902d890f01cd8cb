// Where a hall or a showing is: the cinema an API key's limit is checked against.
import type { PrismaClient } from '../../generated/prisma/client.js';

export function createBoxOfficeModel(prisma: PrismaClient) {
  return {
    async hallPlace(hallId: number): Promise<{ cinema_id: number } | null> {
      return prisma.hall.findUnique({ where: { id: hallId }, select: { cinema_id: true } });
    },
    async showingPlace(showingId: number): Promise<{ hall_id: number; cinema_id: number } | null> {
      const row = await prisma.showing.findUnique({ where: { id: showingId }, select: { hall_id: true, hall: { select: { cinema_id: true } } } });
      return row ? { hall_id: row.hall_id, cinema_id: row.hall.cinema_id } : null;
    },
  };
}

export type BoxOfficeModel = ReturnType<typeof createBoxOfficeModel>;
