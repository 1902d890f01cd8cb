// Embedded mode: PGlite (PostgreSQL compiled to WebAssembly) in a data folder, kept across
// restarts. PGlite runs with fsync off: a killed process loses nothing that was committed,
// but a power loss or OS crash can lose or corrupt recent writes. Use a PostgreSQL server
// (DATABASE_URL) where that matters.
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../../generated/prisma/client.js';
import type { Logger } from '../logger.js';
import { startMark } from '../start-trace.js';
import { lockDataDir } from './data-dir-lock.js';
import { RENEW_EPOCH_SQL } from './epoch.js';
import type { Database } from './database.js';
import { DEFAULT_MIGRATIONS_DIR, loadMigrationsList } from './migrations-list.js';
import { applyMigrations, type MigratorOptions } from './migrator.js';
import { copyTemplate, ensureTemplate, isDatabaseFolder, type TemplateContents } from './pglite-template.js';

/**
 * PostgreSQL's default 128 MB of shared buffers is sized for a server with many
 * connections; PGlite's WebAssembly mmap zero-fills all of it at every start (a memset of
 * 0.5-1.4 s in the scenario 5 profiles, and as much resident memory). One connection over a
 * database of a few MB (the demo folder is 23 MB on disk, most of it the catalog) keeps
 * its working set in 16 MB, and a page evicted from there is still in the OS cache.
 * 16 MB against 32 MB: opening a copy of the demo folder and a first query ~0.1 s less
 * CPU and ~20 MB less resident memory.
 */
const START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

/** Synchronous read and compile: an asynchronous read would queue behind the copy's ~1,000 files. */
function compilePgliteWasm(): WebAssembly.Module {
  return new WebAssembly.Module(readFileSync(new URL('pglite.wasm', import.meta.resolve('@electric-sql/pglite'))));
}

export async function openPGlite(dataDir: string, logger: Logger, migrator: MigratorOptions, contents?: TemplateContents): Promise<Database> {
  await mkdir(dataDir, { recursive: true });
  const lock = await lockDataDir(dataDir);
  startMark('db: mkdir, lock');
  let pglite: PGlite | undefined;
  // A new folder starts from the migrated template instead of running initdb.
  let copied = false;
  // Read on libuv's threads while this thread opens PGlite, checked once it is open.
  const migrationsList = loadMigrationsList(migrator.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  // Awaited below; until then a failed read must not count as an unhandled rejection.
  migrationsList.catch(() => undefined);
  try {
    copied = !(await isDatabaseFolder(dataDir));
    startMark('db: is a database folder?');
    let pgliteWasmModule: WebAssembly.Module | undefined;
    if (copied) {
      const copying = copyTemplate(await ensureTemplate({ ...migrator, logger, contents }), dataDir);
      // While libuv's threads copy, this thread compiles PGlite's WebAssembly (~0.2-0.3 s),
      // which PGlite.create would otherwise do after the copy.
      try {
        pgliteWasmModule = compilePgliteWasm();
      } finally {
        await copying;
      }
      startMark('db: template copied, wasm compiled');
      logger.info('new data folder, copied from the template', { dataDir, withContents: contents !== undefined });
    }
    pglite = await PGlite.create({ dataDir, startParams: START_PARAMS, pgliteWasmModule });
    startMark('db: PGlite.create');
    await applyMigrations({ kind: 'pglite', pglite }, { ...migrator, logger, migrationsList });
    startMark('db: migrations checked');
    // Every copy of the template is a database of its own: its own epoch.
    if (copied) await pglite.query(RENEW_EPOCH_SQL);
  } catch (error) {
    await pglite?.close();
    await lock.release();
    throw error;
  }
  const instance = pglite;
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(instance) });
  startMark('db: PrismaClient');
  return {
    kind: 'pglite',
    prisma,
    pglite: instance,
    connectionString: undefined,
    createdNow: copied,
    async sql<T>(text: string, params: unknown[]) {
      return (await instance.query<T>(text, params)).rows;
    },
    async ping() {
      await prisma.$queryRaw`SELECT 1`;
    },
    async close() {
      await prisma.$disconnect();
      // The adapter never closes the instance it was given.
      await instance.close();
      await lock.release();
    },
  };
}
