// The embedded mode, whatever backend the rest of the suite runs on.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LOCK_FILE_NAME, processStart } from '../../../src/core/db/data-dir-lock.js';
import { DataDirLockedError, openDatabase } from '../../../src/core/db/index.js';
import { DEFAULT_MIGRATIONS_DIR } from '../../../src/core/db/migrations-list.js';
import { createTestDatabase, quietLogger, type TestDatabase } from '../../support/database.js';

describe('embedded PGlite', () => {
  let testDatabase: TestDatabase;
  let lockFile: string;
  const open = () => openDatabase({ databaseUrl: undefined, dataDir: testDatabase.dataDir, logger: quietLogger });
  const exists = (path: string) =>
    stat(path).then(
      () => true,
      () => false,
    );

  before(async () => {
    testDatabase = await createTestDatabase();
    lockFile = join(testDatabase.dataDir, LOCK_FILE_NAME);
  });

  after(() => testDatabase?.drop());

  it('keeps its data across close and reopen', async () => {
    const first = await open();
    assert.equal(first.kind, 'pglite');
    assert.ok(first.pglite);
    assert.equal(first.connectionString, undefined);
    await first.prisma.cinema.create({ data: { name: 'Kept', color: '#000' } });
    await first.close();
    assert.equal(await exists(lockFile), false, 'close releases the lock');

    const second = await open();
    try {
      await second.ping();
      assert.deepEqual(
        (await second.prisma.cinema.findMany()).map((cinema) => cinema.name),
        ['Kept'],
      );
    } finally {
      await second.close();
    }
  });

  it('refuses a second open of a folder that is open, and allows it after close', async () => {
    const first = await open();
    try {
      await assert.rejects(open(), (error: unknown) => {
        assert.ok(error instanceof DataDirLockedError);
        assert.equal(error.pid, process.pid);
        assert.match(error.message, /in use by process/);
        return true;
      });
      // The refused open must not have taken the lock from the first one.
      assert.equal((await readFile(lockFile, 'utf8')).split('\n')[0], String(process.pid));
      await first.ping();
    } finally {
      await first.close();
    }
    const again = await open();
    await again.close();
  });

  it('refuses a folder locked by another live process', async () => {
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    try {
      await writeFile(lockFile, `${other.pid}\n`);
      await assert.rejects(open(), (error: unknown) => error instanceof DataDirLockedError && error.pid === other.pid);
    } finally {
      other.kill();
    }
  });

  it('refuses a folder locked by another live process that recorded its start time', async () => {
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    try {
      await writeFile(lockFile, `${other.pid}\n${await processStart(other.pid!)}\n`);
      await assert.rejects(open(), (error: unknown) => error instanceof DataDirLockedError && error.pid === other.pid);
    } finally {
      other.kill();
    }
  });

  it('takes over a stale lock whose pid now belongs to another process', async () => {
    // The lock's process started at another time: the pid was reused after a crash.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    try {
      const [boot] = (await processStart(process.pid))!.split(':');
      await writeFile(lockFile, `${other.pid}\n${boot}:1\n`);
      const database = await open();
      assert.equal((await readFile(lockFile, 'utf8')).split('\n')[0], String(process.pid));
      await database.close();
    } finally {
      other.kill();
    }
  });

  it('takes over the lock of a process that is gone', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(lockFile, `${gone}\n`);
    const database = await open();
    try {
      assert.equal((await readFile(lockFile, 'utf8')).split('\n')[0], String(process.pid));
      assert.equal((await database.prisma.cinema.count()), 1);
    } finally {
      await database.close();
    }
  });

  it('takes over a lock with its own pid that it does not hold (a restarted container is pid 1 again)', async () => {
    await writeFile(lockFile, `${process.pid}\n`);
    const database = await open();
    await database.close();
  });

  it('applies a migration added to the folder it is given since the last open', async () => {
    // Its own folder: the extra migration would make the shared one newer than the code.
    const own = await createTestDatabase();
    const migrationsDir = join(own.dataDir, '..', `${own.dataDir.split('/').at(-1)}-migrations`);
    try {
      const openOwn = () => openDatabase({ databaseUrl: undefined, dataDir: own.dataDir, migrationsDir, logger: quietLogger });
      await cp(DEFAULT_MIGRATIONS_DIR, migrationsDir, { recursive: true });
      await (await openOwn()).close();
      await mkdir(join(migrationsDir, '29990101000000_start_probe'));
      await writeFile(join(migrationsDir, '29990101000000_start_probe', 'migration.sql'), 'CREATE TABLE start_probe (id integer);\n');
      // The list is read while PGlite opens (open-pglite.ts): it must be this folder's.
      const database = await openOwn();
      try {
        const [row] = await database.sql<{ found: boolean }>("SELECT to_regclass('start_probe') IS NOT NULL AS found", []);
        assert.equal(row?.found, true);
      } finally {
        await database.close();
      }
    } finally {
      await rm(migrationsDir, { recursive: true, force: true });
      await own.drop();
    }
  });
});
