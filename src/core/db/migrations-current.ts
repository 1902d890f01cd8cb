// Whether a database already holds exactly this code's migrations, answered by one SELECT.
// Starting the schema engine (its WebAssembly compiled and instantiated, a session opened,
// the history diagnosed) only to learn that nothing is to be done took 0.4-0.9 s of every
// start (docs/performance.md, scenario 5); most starts are such starts.
import { createHash } from 'node:crypto';
import type { MigrationList } from '@prisma/schema-engine-wasm/schema_engine_bg';

/** Runs one query without parameters and returns its rows. */
export type QueryRows = (sql: string) => Promise<Record<string, unknown>[]>;

/** What the engine records: the SHA-256 of migration.sql as it was applied. */
function checksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

/**
 * True only when `_prisma_migrations` lists every migration of `list`, each finished, not
 * rolled back and with the checksum of its file as it is now, and nothing more. Anything
 * else (no table yet, a migration missing, failed, edited or unknown to this code) is
 * false, and the schema engine decides as before: it applies, warns, or refuses a database
 * newer than the code.
 */
export async function migrationsAreCurrent(list: MigrationList, queryRows: QueryRows): Promise<boolean> {
  const expected = new Map<string, string>();
  for (const migration of list.migrationDirectories) {
    if (migration.migrationFile.content.tag !== 'ok') return false;
    expected.set(migration.path, checksum(migration.migrationFile.content.value));
  }
  let rows: Record<string, unknown>[];
  try {
    rows = await queryRows(
      'SELECT migration_name, checksum, finished_at IS NOT NULL AS finished FROM _prisma_migrations WHERE rolled_back_at IS NULL',
    );
  } catch {
    // Typically no table yet (a new database); whatever it is, the engine will say it better.
    return false;
  }
  if (rows.length !== expected.size) return false;
  return rows.every((row) => row.finished === true && expected.get(String(row.migration_name)) === row.checksum);
}
