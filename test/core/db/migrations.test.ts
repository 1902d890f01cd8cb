import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { applyMigrations, DatabaseNewerThanCodeError, openDatabase, type Database } from '../../../src/core/db/index.js';
import { DEFAULT_MIGRATIONS_DIR } from '../../../src/core/db/migrations-list.js';
import { createTestDatabase, migrationTargetOf, quietLogger, type TestDatabase } from '../../support/database.js';

const EXPECTED_TABLES = [
  '_prisma_migrations',
  'api_key',
  'app_user',
  'auth_audit',
  'cinema',
  'database_epoch',
  'enrolment_token',
  'hall',
  'hold',
  'idempotency_record',
  'login_address',
  'login_failure',
  'outbound_cursor',
  'pending_registration',
  'seat',
  'seat_event',
  'seat_type',
  'showing',
  'showing_event',
  'showing_seat',
  'webhook_delivery',
  'webhook_endpoint',
];

describe('migrations', () => {
  let testDatabase: TestDatabase;
  let database: Database;

  before(async () => {
    testDatabase = await createTestDatabase();
    database = await openDatabase({ ...testDatabase, logger: quietLogger });
  });

  after(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  it('are all applied when a fresh database opens', async () => {
    const codeMigrations = (await readdir(DEFAULT_MIGRATIONS_DIR, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    const recorded = await database.prisma.$queryRaw<{ migration_name: string }[]>`
      SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`;
    assert.ok(codeMigrations.length > 0);
    assert.deepEqual(
      recorded.map((row) => row.migration_name),
      codeMigrations.sort(),
    );
  });

  it('apply nothing the second time', async () => {
    assert.deepEqual(await applyMigrations(migrationTargetOf(database), { logger: quietLogger }), []);
  });

  it('create every table of the schema', async () => {
    const tables = await database.prisma.$queryRaw<{ table_name: string }[]>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`;
    assert.deepEqual(
      tables.map((row) => row.table_name),
      EXPECTED_TABLES,
    );
    // The client works against them, enums and defaults included.
    const cinema = await database.prisma.cinema.create({ data: { name: 'Odeon', color: '#123456' } });
    const seatType = await database.prisma.seatType.create({ data: { name: 'standard', color: '#fff' } });
    const hall = await database.prisma.hall.create({ data: { cinema_id: cinema.id, name: 'Red', rows: 1, places: 1 } });
    const seat = await database.prisma.seat.create({
      data: { hall_id: hall.id, row: 1, place: 1, x: 0, y: 0, width: 1, height: 1, seat_type_id: seatType.id },
    });
    assert.equal(seat.status, 'VACANT');
    assert.equal(hall.version, 0);
  });

  it('refuse a database that has a migration this code does not know, naming it', async () => {
    const unknown = '29991231235959_from_the_future';
    await database.prisma.$executeRaw`
      INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
      VALUES (${randomUUID()}, ${'0'.repeat(64)}, ${unknown}, now(), now(), 1)`;
    try {
      await assert.rejects(applyMigrations(migrationTargetOf(database), { logger: quietLogger }), (error: unknown) => {
        assert.ok(error instanceof DatabaseNewerThanCodeError);
        assert.deepEqual(error.unknownMigrations, [unknown]);
        assert.match(error.message, /database is newer than this code/);
        assert.match(error.message, new RegExp(unknown));
        return true;
      });
    } finally {
      await database.prisma.$executeRaw`DELETE FROM _prisma_migrations WHERE migration_name = ${unknown}`;
    }
  });
});
