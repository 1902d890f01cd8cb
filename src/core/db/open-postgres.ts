// Server mode: a PostgreSQL server at DATABASE_URL.
import { PrismaClient } from '../../generated/prisma/client.js';
import type { Logger } from '../logger.js';
import type { Database } from './database.js';
import { applyMigrations, type MigratorOptions } from './migrator.js';

/** Measured best for one hot hall (docs/database.md): 50 did worse than 10. */
const POOL_SIZE = 10;

export async function openPostgres(connectionString: string, logger: Logger, migrator: MigratorOptions): Promise<Database> {
  // Imported here, not at the top: esbuild lifts a bundle's package imports to its start,
  // and an embedded (PGlite) start would load both for nothing (~0.1-0.15 s).
  const [{ default: pg }, { PrismaPg }] = await Promise.all([import('pg'), import('@prisma/adapter-pg')]);
  await applyMigrations({ kind: 'postgres', connectionString }, { ...migrator, logger });
  // A server that does not answer at all fails requests after 5 s (ServiceUnavailable)
  // instead of holding them until the operating system gives up on the connection.
  const pool = new pg.Pool({ connectionString, max: POOL_SIZE, connectionTimeoutMillis: 5_000 });
  // An idle pooled connection that dies (server restart) must not crash the process.
  pool.on('error', (error) => logger.warn('database pool connection lost', { error: error.message }));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    kind: 'postgres',
    prisma,
    pglite: undefined,
    createdNow: false,
    connectionString,
    async sql<T>(text: string, params: unknown[]) {
      return (await pool.query(text, params)).rows as T[];
    },
    async ping() {
      await prisma.$queryRaw`SELECT 1`;
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
