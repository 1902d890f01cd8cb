import type { PGlite } from '@electric-sql/pglite';
import type { PrismaClient } from '../../generated/prisma/client.js';

export interface Database {
  kind: 'pglite' | 'postgres';
  /** Through PrismaPg (pool of 10) on a server, PrismaPGlite when embedded. */
  prisma: PrismaClient;
  /** Embedded mode only: the change bus listens on this instance (notifications do not cross processes). */
  pglite: PGlite | undefined;
  /** Server mode only: the change bus opens its own pg.Client on it for LISTEN. */
  connectionString: string | undefined;
  /** Embedded mode: this open made the folder (from the template). */
  createdNow: boolean;
  /**
   * One raw SQL statement on the same connections Prisma uses, for the hot seat write:
   * through Prisma's $queryRaw the same statement costs about 3x the client CPU
   * (measured: ~3.0 ms vs ~1.1 ms per change), and that CPU is the ceiling of writes
   * per second. Everything else goes through Prisma.
   */
  sql<T>(text: string, params: unknown[]): Promise<T[]>;
  /** Throws when the database cannot answer (used by /ready). */
  ping(): Promise<void>;
  /** Disconnects Prisma, ends pools, closes PGlite and releases the data folder. */
  close(): Promise<void>;
}
