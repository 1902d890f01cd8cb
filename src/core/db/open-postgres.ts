// Server mode: a PostgreSQL server at DATABASE_URL.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../generated/prisma/client.js';
import type { Logger } from '../logger.js';
import type { Database } from './database.js';
import { applyMigrations, type MigratorOptions } from './migrator.js';

/** Measured best for one hot hall (shared/design/postgres-bus.md): 50 did worse than 10. */
const POOL_SIZE = 10;

export async function openPostgres(connectionString: string, logger: Logger, migrator: MigratorOptions): Promise<Database> {
  await applyMigrations({ kind: 'postgres', connectionString }, { ...migrator, logger });
  const adapter = new PrismaPg(
    { connectionString, max: POOL_SIZE },
    // An idle pooled connection that dies (server restart) must not crash the process.
    { onPoolError: (error) => logger.warn('database pool connection lost', { error: error.message }) },
  );
  const prisma = new PrismaClient({ adapter });
  return {
    kind: 'postgres',
    prisma,
    pglite: undefined,
    connectionString,
    async ping() {
      await prisma.$queryRaw`SELECT 1`;
    },
    close: () => prisma.$disconnect(),
  };
}
