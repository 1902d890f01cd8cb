import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createMigration, openDatabase, type Database } from '../../../src/core/db/index.js';
import { DEFAULT_MIGRATIONS_DIR, DEFAULT_SCHEMA_PATH } from '../../../src/core/db/migrations-list.js';
import { createTestDatabase, migrationTargetOf, quietLogger, type TestDatabase } from '../../support/database.js';

const NEW_MODEL = `
model Note {
  id   Int    @id @default(autoincrement())
  text String

  @@map("note")
}
`;

describe('createMigration', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let work: string;
  let migrationsDir: string;
  let schemaPath: string;

  before(async () => {
    testDatabase = await createTestDatabase();
    database = await openDatabase({ ...testDatabase, logger: quietLogger });
    // Copies: the project's own schema and migrations are never touched.
    work = await mkdtemp(join(tmpdir(), 'seats-sync-create-migration-'));
    migrationsDir = join(work, 'migrations');
    schemaPath = join(work, 'schema.prisma');
    await cp(DEFAULT_MIGRATIONS_DIR, migrationsDir, { recursive: true });
    await cp(DEFAULT_SCHEMA_PATH, schemaPath);
  });

  after(async () => {
    await database?.close();
    await testDatabase?.drop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const create = (name: string, now: Date) => createMigration(name, migrationTargetOf(database), { migrationsDir, schemaPath, now, logger: quietLogger });

  it('finds no changes: the committed migrations match schema.prisma', async () => {
    const before = await readdir(migrationsDir);
    assert.equal(await create('nothing', new Date('2999-01-01T00:00:00Z')), undefined);
    assert.deepEqual(await readdir(migrationsDir), before);
  });

  it('writes the SQL for a schema change, then finds no more changes', async () => {
    await writeFile(schemaPath, (await readFile(schemaPath, 'utf8')) + NEW_MODEL);
    const folder = await create('Add notes!', new Date('2999-01-02T03:04:05Z'));
    assert.equal(folder, join(migrationsDir, '29990102030405_add_notes'));
    const sql = await readFile(join(folder, 'migration.sql'), 'utf8');
    assert.match(sql, /CREATE TABLE "note"/);
    assert.doesNotMatch(sql, /CREATE TABLE "cinema"/, 'only the change, not the whole schema');

    assert.equal(await create('again', new Date('2999-01-03T00:00:00Z')), undefined);
  });

  it('leaves no shadow database behind on a server', async (t) => {
    if (database.kind !== 'postgres') return t.skip('embedded: shadow databases live in memory');
    const shadows = await database.prisma.$queryRaw<{ datname: string }[]>`
      SELECT datname FROM pg_database WHERE datname LIKE 'seats_sync_shadow_%'`;
    assert.deepEqual(shadows, []);
  });
});
