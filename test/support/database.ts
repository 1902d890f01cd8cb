// An isolated database per test file. With TEST_DATABASE_URL (a PostgreSQL server whose
// user may CREATE DATABASE): a new database there. Without it: a new embedded PGlite folder,
// which openDatabase starts from the migrated template (~1-2 s, not a 5-11 s initdb).
// `dataDir` is a fresh temporary folder in both cases. The only reader of TEST_DATABASE_URL.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { withDatabase } from '../../src/core/db/connection-string.js';
import type { Database, MigrationTarget } from '../../src/core/db/index.js';
import { createLogger } from '../../src/core/logger.js';

export interface TestDatabase {
  /** Set on a PostgreSQL server, undefined for embedded PGlite. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** Removes the database (and the folder); the test must have closed it first. */
  drop(): Promise<void>;
}

async function onServer(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), 'seats-sync-test-'));
  const removeDataDir = () => rm(dataDir, { recursive: true, force: true });
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return { databaseUrl: undefined, dataDir, drop: removeDataDir };

  const database = `seats_sync_test_${randomUUID().replaceAll('-', '')}`;
  await onServer(serverUrl, `CREATE DATABASE "${database}"`);
  return {
    databaseUrl: withDatabase(serverUrl, database),
    dataDir,
    async drop() {
      await onServer(serverUrl, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await removeDataDir();
    },
  };
}

/** The engine's view of an open database, to run migrations against it directly. */
export function migrationTargetOf(database: Database): MigrationTarget {
  if (database.pglite) return { kind: 'pglite', pglite: database.pglite };
  if (database.connectionString) return { kind: 'postgres', connectionString: database.connectionString };
  throw new Error('an open database has either a PGlite instance or a connection string');
}

export const quietLogger = createLogger({ log: { level: 'error', format: 'pretty' } });
