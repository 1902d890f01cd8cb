// Applies prisma/migrations/ to a database and writes new migrations from schema changes,
// through the WebAssembly schema engine (no prisma CLI: it would download the native one).
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { DiagnoseMigrationHistoryOutput, MigrationList } from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { Logger } from '../logger.js';
import { DatabaseNewerThanCodeError, MigrationHistoryDivergedError } from './errors.js';
import { migrationsAreCurrent, type QueryRows } from './migrations-current.js';
import { DEFAULT_MIGRATIONS_DIR, DEFAULT_SCHEMA_PATH, LOCKFILE_CONTENT, LOCKFILE_NAME, loadMigrationsList } from './migrations-list.js';
import { pgliteMigrationFactory } from './pglite-migration-adapter.js';
import { DEFAULT_CACHE_DIR, openBlankPGlite } from './pglite-blank.js';
import { connectPostgresForMigrations } from './postgres-migration-adapter.js';
import { NO_FILTERS, withSchemaEngine, type SchemaEngine } from './schema-engine.js';

export type MigrationTarget = { kind: 'postgres'; connectionString: string } | { kind: 'pglite'; pglite: PGlite };

export interface MigratorOptions {
  migrationsDir?: string;
  logger?: Logger;
  /** Holds the blank PGlite snapshot that PGlite diffs start their shadow database from. */
  cacheDir?: string;
  /**
   * The migrations folder as already being read (`loadMigrationsList`), so a caller can
   * read it while it opens the database: ~20 ms of a start's idle file reads.
   */
  migrationsList?: Promise<MigrationList>;
}

async function withMigrationEngine<T>(target: MigrationTarget, options: MigratorOptions, work: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  if (target.kind === 'pglite') {
    const factory = pgliteMigrationFactory(target.pglite, () => openBlankPGlite(options.cacheDir ?? DEFAULT_CACHE_DIR));
    return withSchemaEngine(factory, options.logger, work);
  }
  const connection = await connectPostgresForMigrations(target.connectionString);
  try {
    return await withSchemaEngine(connection.factory, options.logger, work);
  } finally {
    await connection.close();
  }
}

function queryRowsOn(target: MigrationTarget): QueryRows {
  if (target.kind === 'pglite') return async (sql) => (await target.pglite.query<Record<string, unknown>>(sql)).rows;
  return async (sql) => {
    // Server mode only: an embedded start never loads `pg`.
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: target.connectionString });
    await client.connect();
    try {
      return (await client.query<Record<string, unknown>>(sql)).rows;
    } finally {
      await client.end();
    }
  };
}

/** The engine applies a newer database's history without complaint; this code must not touch it. */
function refuseUnknownHistory(diagnosis: DiagnoseMigrationHistoryOutput): void {
  const history = diagnosis.history;
  if (history?.diagnostic === 'migrationsDirectoryIsBehind') {
    throw new DatabaseNewerThanCodeError(history.unpersistedMigrationNames);
  }
  if (history?.diagnostic === 'historiesDiverge') {
    throw new MigrationHistoryDivergedError(history.unpersistedMigrationNames, history.unappliedMigrationNames, history.lastCommonMigrationName);
  }
}

/**
 * Applies the migrations the database lacks and returns their names (none on a second run).
 * Refuses, before changing anything, a database with migrations this code does not know.
 * Safe with several processes at once: the engine serialises them with an advisory lock.
 * The engine starts only when the migration table is not already current.
 */
export async function applyMigrations(target: MigrationTarget, options: MigratorOptions = {}): Promise<string[]> {
  const migrationsList = await (options.migrationsList ?? loadMigrationsList(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR));
  if (await migrationsAreCurrent(migrationsList, queryRowsOn(target))) {
    options.logger?.info('database schema is up to date', { migrations: migrationsList.migrationDirectories.length });
    return [];
  }
  return withMigrationEngine(target, options, async (engine) => {
    const diagnosis = await engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTERS });
    refuseUnknownHistory(diagnosis);
    if (diagnosis.editedMigrationNames.length > 0) {
      options.logger?.warn('migrations were edited after they were applied; the database keeps the old version', {
        migrations: diagnosis.editedMigrationNames,
      });
    }
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
    if (appliedMigrationNames.length > 0) options.logger?.info('database migrated', { applied: appliedMigrationNames });
    else options.logger?.info('database schema is up to date', { migrations: migrationsList.migrationDirectories.length });
    return appliedMigrationNames;
  });
}

function timestamp(now: Date): string {
  return now.toISOString().replace(/\D/g, '').slice(0, 14);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

export interface CreateMigrationOptions extends MigratorOptions {
  schemaPath?: string;
  now?: Date;
}

/**
 * Writes `<migrationsDir>/<YYYYMMDDHHMMSS>_<name>/migration.sql` with the SQL that takes the
 * existing migrations to schema.prisma, and returns its folder; undefined when nothing changed.
 * Diffing from migrations replays them into a shadow database on the target (PostgreSQL:
 * needs CREATEDB, ~0.5 s; PGlite: an in-memory one).
 */
export async function createMigration(name: string, target: MigrationTarget, options: CreateMigrationOptions = {}): Promise<string | undefined> {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
  if (slug === '') throw new Error(`migration name "${name}" has no letters or digits`);
  const migrationsDir = options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR;
  const schemaPath = options.schemaPath ?? DEFAULT_SCHEMA_PATH;
  const migrationsList = await loadMigrationsList(migrationsDir);
  const schema = await readFile(schemaPath, 'utf8');

  const diff = await withMigrationEngine(target, options, (engine) =>
    engine.diff({
      // Without migrations there is nothing to replay: no shadow database needed.
      from: migrationsList.migrationDirectories.length === 0 ? { tag: 'empty' } : { tag: 'migrations', ...migrationsList },
      to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: schema }] },
      script: true,
      exitCode: true,
      filters: NO_FILTERS,
    }),
  );
  // exitCode 2 means "the schemas differ" (as `prisma migrate diff --exit-code`).
  if (diff.exitCode !== 2 || !diff.stdout) {
    options.logger?.info('no changes: the migrations already match the schema');
    return undefined;
  }

  const folder = join(migrationsDir, `${timestamp(options.now ?? new Date())}_${slug}`);
  if (await exists(folder)) throw new Error(`${folder} already exists`);
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'migration.sql'), diff.stdout);
  const lockfile = join(migrationsDir, LOCKFILE_NAME);
  if (!(await exists(lockfile))) await writeFile(lockfile, LOCKFILE_CONTENT);
  options.logger?.info('migration created', { folder });
  return folder;
}
