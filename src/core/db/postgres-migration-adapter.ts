// The schema engine's connection to a PostgreSQL server: @prisma/adapter-pg with three of
// its defects worked around (docs/database.md, "Adapter defects worked around", 1-3).
// Used only for migrations, on a pool of its own: the engine takes a session advisory lock
// it never releases, so the pool must end when the engine is done.
import { randomUUID } from 'node:crypto';
import type { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type pg from 'pg';
import { withDatabase } from './connection-string.js';

const CHAR_OID = 18;
const TEXT_OID = 25;

/**
 * Defect 1: adapter-pg has no mapping for PostgreSQL's internal `"char"` type (OID 18), so
 * introspection (every diff) fails with "Column type 'char' could not be deserialized".
 * Its values already arrive as strings; relabelling the column as text is all it takes,
 * and gives the same result as PGlite. The adapter reads outside transactions through
 * `pool.query`, which is the one path patched here.
 */
function readCharAsText(pool: pg.Pool): pg.Pool {
  const query = pool.query.bind(pool) as (config: pg.QueryConfig) => Promise<pg.QueryResult | pg.QueryResult[]>;
  const relabelled = async (config: pg.QueryConfig) => {
    const result = await query(config);
    for (const part of Array.isArray(result) ? result : [result]) {
      for (const field of part.fields) if (field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID;
    }
    return result;
  };
  pool.query = relabelled as typeof pool.query;
  return pool;
}

/**
 * Defect 2: adapter-pg's `executeScript` splits the script on `;` and runs the pieces one
 * by one, which breaks on a `$$` body, a `';'` literal or a comment with `;`, and leaves a
 * failing migration half applied. A script without parameters goes out as one simple-protocol
 * query, which PostgreSQL runs as one implicit transaction: all or nothing, like the native
 * engine. `executeRaw` also converts errors the way the engine expects.
 */
function runScriptAsOneQuery(adapter: SqlDriverAdapter): SqlDriverAdapter {
  adapter.executeScript = async (script) => {
    await adapter.executeRaw({ sql: script, args: [], argTypes: [] });
  };
  return adapter;
}

/** adapter-pg brings its own copy of @types/pg (8.23 against our 8.15); the runtime `pg` is one. */
function adapterOn(Adapter: typeof PrismaPg, pool: pg.Pool): PrismaPg {
  return new Adapter(pool as unknown as ConstructorParameters<typeof PrismaPg>[0]);
}

export interface PostgresMigrationConnection {
  factory: SqlMigrationAwareDriverAdapterFactory;
  /** Ends the pools and drops any shadow database the engine left behind. */
  close(): Promise<void>;
}

export async function connectPostgresForMigrations(connectionString: string): Promise<PostgresMigrationConnection> {
  // Imported here, not at the top: an embedded (PGlite) start never loads them (~0.1-0.15 s).
  const [{ default: pg }, { PrismaPg }] = await Promise.all([import('pg'), import('@prisma/adapter-pg')]);
  const pool = readCharAsText(new pg.Pool({ connectionString }));
  const shadows = new Map<string, pg.Pool>();

  async function dropShadow(database: string): Promise<void> {
    const shadowPool = shadows.get(database);
    shadows.delete(database);
    // Only after its own pool has ended: FORCE then has no connection of ours to cut.
    await shadowPool?.end();
    await pool.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  }

  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    async connect(): Promise<SqlDriverAdapter> {
      return runScriptAsOneQuery(await adapterOn(PrismaPg, pool).connect());
    },
    /**
     * Defect 3: adapter-pg's own shadow database points its pool at the main database
     * (pg lets the URL's database override the `database` field), so the engine would
     * replay every migration there; and it drops the shadow before ending that pool, so
     * the drop fails and the database stays. Here the shadow is created and dropped by us,
     * the drop after the shadow's pool has ended.
     */
    async connectToShadowDb(): Promise<SqlDriverAdapter> {
      const database = `seats_sync_shadow_${randomUUID().replaceAll('-', '')}`;
      await pool.query(`CREATE DATABASE "${database}"`);
      const shadowPool = readCharAsText(new pg.Pool({ connectionString: withDatabase(connectionString, database) }));
      shadows.set(database, shadowPool);
      const adapter = runScriptAsOneQuery(await adapterOn(PrismaPg, shadowPool).connect());
      adapter.dispose = () => dropShadow(database);
      return adapter;
    },
  };

  return {
    factory,
    async close() {
      await Promise.all([...shadows.keys()].map(dropShadow));
      await pool.end();
    },
  };
}
