// The database layer's public surface: open (and migrate) the configured database.
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Database } from './database.js';
import type { MigratorOptions } from './migrator.js';
import { openPGlite } from './open-pglite.js';
import { openPostgres } from './open-postgres.js';
import type { TemplateContents } from './pglite-template.js';

export type { Database } from './database.js';
export { DatabaseNewerThanCodeError, DataDirLockedError, MigrationHistoryDivergedError } from './errors.js';
export { applyMigrations, createMigration, type MigrationTarget } from './migrator.js';
export type { TemplateContents } from './pglite-template.js';
export { readEpoch, renewEpoch } from './epoch.js';

export interface OpenDatabaseOptions extends Pick<Config, 'databaseUrl' | 'dataDir'>, Pick<MigratorOptions, 'migrationsDir' | 'cacheDir'> {
  logger: Logger;
  /**
   * Embedded mode only: what a new data folder starts with beyond the schema, copied
   * from a cached template instead of written at start. A server database gets none.
   */
  newFolderContents?: TemplateContents;
}

/**
 * A PostgreSQL server when `databaseUrl` is set, else an embedded PGlite in `dataDir`;
 * migrated before it is returned.
 */
export function openDatabase({ databaseUrl, dataDir, logger, newFolderContents, ...migrator }: OpenDatabaseOptions): Promise<Database> {
  return databaseUrl === undefined ? openPGlite(dataDir, logger, migrator, newFolderContents) : openPostgres(databaseUrl, logger, migrator);
}
