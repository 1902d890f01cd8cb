// Refusals of the database layer at start-up. Not client-visible: the server stops with them.

/** The database has migrations this code does not know: it was migrated by a newer release. */
export class DatabaseNewerThanCodeError extends Error {
  override name = 'DatabaseNewerThanCodeError';
  constructor(readonly unknownMigrations: string[]) {
    super(
      `The database is newer than this code: it has migrations this code does not know (${unknownMigrations.join(', ')}). ` +
        'Run the release that created them (or restore a backup made by this one); nothing was changed.',
    );
  }
}

/** Both the database and the code gained migrations since their last common one. */
export class MigrationHistoryDivergedError extends Error {
  override name = 'MigrationHistoryDivergedError';
  constructor(
    readonly unknownMigrations: string[],
    readonly unappliedMigrations: string[],
    readonly lastCommonMigration: string | null,
  ) {
    super(
      `The database's migration history diverges from this code's after ${lastCommonMigration ?? 'the start'}: ` +
        `the database has migrations this code does not know (${unknownMigrations.join(', ')}) ` +
        `and this code has migrations not in the database (${unappliedMigrations.join(', ')}); nothing was changed.`,
    );
  }
}

/** A second process (or a second open in this one) on an embedded data folder. */
export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
  constructor(
    readonly lockFile: string,
    readonly pid: number,
  ) {
    super(
      `The data folder is in use by process ${pid} (lock file ${lockFile}). ` +
        'Two processes on one embedded database would silently diverge: stop the other one first.',
    );
  }
}
