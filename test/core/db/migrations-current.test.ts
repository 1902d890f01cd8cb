// The one-SELECT check that lets a start skip the schema engine: it must say "current" only
// when the engine would have nothing to do and nothing to refuse.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type Database } from '../../../src/core/db/index.js';
import { migrationsAreCurrent, type QueryRows } from '../../../src/core/db/migrations-current.js';
import { DEFAULT_MIGRATIONS_DIR, loadMigrationsList } from '../../../src/core/db/migrations-list.js';
import { createTestDatabase, quietLogger, type TestDatabase } from '../../support/database.js';

describe('migrations are current', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let rows: QueryRows;
  const list = () => loadMigrationsList(DEFAULT_MIGRATIONS_DIR);

  before(async () => {
    testDatabase = await createTestDatabase();
    database = await openDatabase({ ...testDatabase, logger: quietLogger });
    rows = (sql) => database.sql(sql, []);
  });

  after(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  /** Adds a row to the migration table for the duration of `check`. */
  async function withRecordedMigration(name: string, check: () => Promise<void>): Promise<void> {
    await database.sql(
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), now(), 1)`,
      [randomUUID(), '0'.repeat(64), name],
    );
    try {
      await check();
    } finally {
      await database.sql('DELETE FROM _prisma_migrations WHERE migration_name = $1', [name]);
    }
  }

  it('holds on a database that has just been migrated', async () => {
    assert.equal(await migrationsAreCurrent(await list(), rows), true);
  });

  it('fails when a migration file was edited after it was applied', async () => {
    const edited = await list();
    const first = edited.migrationDirectories[0]!;
    first.migrationFile.content = { tag: 'ok', value: `${first.migrationFile.content.value as string}\n-- edited\n` };
    assert.equal(await migrationsAreCurrent(edited, rows), false);
  });

  it('fails when the code has a migration the database lacks', async () => {
    const ahead = await list();
    ahead.migrationDirectories.push({ path: '29991231235959_next', migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: 'SELECT 1;' } } });
    assert.equal(await migrationsAreCurrent(ahead, rows), false);
  });

  it('fails when the database has a migration this code does not know', async () => {
    await withRecordedMigration('29991231235959_from_the_future', async () => {
      assert.equal(await migrationsAreCurrent(await list(), rows), false);
    });
  });

  it('fails when a migration is recorded as failed', async () => {
    const [last] = (await list()).migrationDirectories.slice(-1);
    await database.sql('UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = $1', [last!.path]);
    try {
      assert.equal(await migrationsAreCurrent(await list(), rows), false);
    } finally {
      await database.sql('UPDATE _prisma_migrations SET finished_at = now() WHERE migration_name = $1', [last!.path]);
    }
  });

  it('fails, without throwing, when there is no migration table', async () => {
    const noTable: QueryRows = (sql) => database.sql(sql.replace('_prisma_migrations', '_no_such_table'), []);
    assert.equal(await migrationsAreCurrent(await list(), noTable), false);
  });
});
