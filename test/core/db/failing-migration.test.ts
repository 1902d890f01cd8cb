import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyMigrations, openDatabase, type Database } from '../../../src/core/db/index.js';
import { DEFAULT_MIGRATIONS_DIR } from '../../../src/core/db/migrations-list.js';
import { createTestDatabase, migrationTargetOf, quietLogger, type TestDatabase } from '../../support/database.js';

// Text a naive split on ";" breaks: a comment, a literal and a function body with semicolons.
const TRICKY_BUT_VALID = `
-- a comment; with a semicolon
CREATE TABLE "tricky" ("note" TEXT NOT NULL DEFAULT ';');
CREATE FUNCTION "semicolon"() RETURNS TEXT LANGUAGE plpgsql AS $$ BEGIN RETURN ';'; END $$;
`;

// Its first statements succeed; the last fails.
const FAILS_HALFWAY = `
CREATE TABLE "half_applied" ("id" INTEGER);
INSERT INTO "half_applied" VALUES (1);
ALTER TABLE "cinema" ADD COLUMN "half_applied_column" TEXT;
INSERT INTO "no_such_table" VALUES (1);
`;

async function migrationsWith(extra: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'seats-sync-migrations-'));
  await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
  for (const [name, sql] of Object.entries(extra)) {
    await mkdir(join(dir, name));
    await writeFile(join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

describe('a migration', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  const folders: string[] = [];

  before(async () => {
    testDatabase = await createTestDatabase();
    database = await openDatabase({ ...testDatabase, logger: quietLogger });
  });

  after(async () => {
    await database?.close();
    await testDatabase?.drop();
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  });

  async function tableExists(name: string): Promise<boolean> {
    const rows = await database.prisma.$queryRaw<{ found: boolean }[]>`SELECT to_regclass(${name}) IS NOT NULL AS found`;
    return rows[0]?.found === true;
  }

  it('runs whole, semicolons in comments, literals and function bodies included', async () => {
    const migrationsDir = await migrationsWith({ '29990101000000_tricky': TRICKY_BUT_VALID });
    folders.push(migrationsDir);
    const applied = await applyMigrations(migrationTargetOf(database), { migrationsDir, logger: quietLogger });
    assert.deepEqual(applied, ['29990101000000_tricky']);
    const rows = await database.prisma.$queryRaw<{ value: string }[]>`SELECT "semicolon"() AS value`;
    assert.equal(rows[0]?.value, ';');
  });

  it('that fails leaves nothing half applied, and is refused until resolved', async () => {
    const migrationsDir = await migrationsWith({ '29990101000000_tricky': TRICKY_BUT_VALID, '29990102000000_fails_halfway': FAILS_HALFWAY });
    folders.push(migrationsDir);
    await assert.rejects(applyMigrations(migrationTargetOf(database), { migrationsDir, logger: quietLogger }), /no_such_table/);

    assert.equal(await tableExists('half_applied'), false);
    const columns = await database.prisma.$queryRaw<{ column_name: string }[]>`
      SELECT column_name FROM information_schema.columns WHERE table_name = 'cinema' AND column_name = 'half_applied_column'`;
    assert.deepEqual(columns, []);
    const recorded = await database.prisma.$queryRaw<{ finished_at: Date | null }[]>`
      SELECT finished_at FROM _prisma_migrations WHERE migration_name = '29990102000000_fails_halfway'`;
    assert.deepEqual(recorded, [{ finished_at: null }], 'recorded as failed, not as applied');

    // The engine refuses to go on past a failed migration (P3009) rather than skip it.
    await assert.rejects(applyMigrations(migrationTargetOf(database), { migrationsDir, logger: quietLogger }), /failed/);
    // The database still works after all of this.
    assert.equal(await tableExists('cinema'), true);
  });
});
