// The database's epoch (docs/database.md, "Epoch"): a random id made with the database and
// renewed when it is restored or copied, so that hall versions from one history are never
// taken for versions of another.
import type { PrismaClient } from '../../generated/prisma/client.js';

export const RENEW_EPOCH_SQL = 'UPDATE "database_epoch" SET epoch = gen_random_uuid(), started_at = now() WHERE id';

export async function readEpoch(prisma: PrismaClient): Promise<string> {
  const row = await prisma.databaseEpoch.findUnique({ where: { id: true } });
  if (!row) throw new Error('the database has no epoch row (migration database_epoch)');
  return row.epoch;
}

/** A new epoch: every client resuming afterwards gets a snapshot. Returns it. */
export async function renewEpoch(prisma: PrismaClient): Promise<string> {
  const rows = await prisma.$queryRawUnsafe<{ epoch: string }[]>(`${RENEW_EPOCH_SQL} RETURNING epoch::text AS epoch`);
  if (!rows[0]) throw new Error('the database has no epoch row (migration database_epoch)');
  return rows[0].epoch;
}
