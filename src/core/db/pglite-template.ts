// New embedded data folders start as a copy of a migrated, empty template folder kept in
// the cache, instead of a 5-11 s initdb (peak ~0.9 GB) plus migrations. A file copy and
// an ordinary open cost ~1.4 s of CPU against ~2.1-2.5 s for loading a `dumpDataDir`
// tarball with `loadDataDir`, which PGlite unpacks through its wasm file system. Keyed by
// the PGlite version and the migrations' contents: a changed migration makes a new
// template, never a stale start.
//
// A template may also hold contents beyond the schema (the demo cinemas, for a server
// that seeds them): a second template, built once from the first by the caller's `fill`
// and keyed by the caller's description of those contents as well. Rows then carry the
// time the template was built wherever a column defaults to now().
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync } from 'node:fs';
import { copyFile, rename, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../../generated/prisma/client.js';
import type { Logger } from '../logger.js';
import { DEFAULT_MIGRATIONS_DIR, loadMigrationsList } from './migrations-list.js';
import { applyMigrations } from './migrator.js';
import { blankSnapshot, DEFAULT_CACHE_DIR, pgliteVersion } from './pglite-blank.js';

/** What a new database starts with beyond the migrated schema. */
export interface TemplateContents {
  /** Identifies the contents: a different key, a different template. Called only when a template is needed. */
  key(): string;
  /** Writes the contents, once, into a copy of the migrated template. */
  fill(prisma: PrismaClient): Promise<void>;
}

export interface TemplateOptions {
  cacheDir?: string;
  migrationsDir?: string;
  logger?: Logger;
  contents?: TemplateContents;
}

/** Written last by `copyTemplate`: its presence means the folder is a complete database. */
const PG_VERSION = 'PG_VERSION';

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function templateDir(cacheDir: string, migrationsDir: string, contents: TemplateContents | undefined): Promise<string> {
  const hash = createHash('sha256').update(await pgliteVersion());
  for (const migration of (await loadMigrationsList(migrationsDir)).migrationDirectories) {
    hash.update(`\0${migration.path}\0${JSON.stringify(migration.migrationFile.content)}`);
  }
  if (contents) hash.update(`\0contents\0${contents.key()}`);
  return join(cacheDir, `pglite-template-${hash.digest('hex').slice(0, 16)}`);
}

/** The template folder for the current migrations (and contents), built and cached when missing. */
export async function ensureTemplate(options: TemplateOptions = {}): Promise<string> {
  const cacheDir = options.cacheDir ?? DEFAULT_CACHE_DIR;
  const migrationsDir = options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR;
  const dir = await templateDir(cacheDir, migrationsDir, options.contents);
  if (await exists(dir)) return dir;

  options.logger?.info('building the PGlite template (once per set of migrations and contents)', { dir });
  // Built aside and renamed into place: a concurrent start sees a whole template or none.
  const partial = `${dir}.${randomUUID()}.partial`;
  try {
    if (options.contents) await fillFromSchemaTemplate(partial, options.contents, { ...options, contents: undefined });
    else await migrateBlank(partial, cacheDir, migrationsDir, options.logger);
    await rename(partial, dir).catch(async (error: NodeJS.ErrnoException) => {
      // Another process finished the same template first: theirs is as good.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
  return dir;
}

async function migrateBlank(dataDir: string, cacheDir: string, migrationsDir: string, logger: Logger | undefined): Promise<void> {
  const pglite = await PGlite.create({ dataDir, loadDataDir: await blankSnapshot(cacheDir) });
  try {
    await applyMigrations({ kind: 'pglite', pglite }, { migrationsDir, cacheDir, logger });
  } finally {
    await pglite.close();
  }
}

async function fillFromSchemaTemplate(dataDir: string, contents: TemplateContents, schemaOptions: TemplateOptions): Promise<void> {
  await copyTemplate(await ensureTemplate(schemaOptions), dataDir);
  const pglite = await PGlite.create({ dataDir });
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  try {
    await contents.fill(prisma);
  } finally {
    await prisma.$disconnect();
    await pglite.close();
  }
}

export async function isDatabaseFolder(dataDir: string): Promise<boolean> {
  return exists(join(dataDir, PG_VERSION));
}

/**
 * Fills `dataDir` (which may hold other files, such as the lock) from the template.
 * PG_VERSION goes last, so a copy cut short is redone on the next start, not opened.
 * The folders are made at once; every file's `copyFile` is queued on libuv's threads
 * before this returns, so the copy goes on while the main thread does other work (the
 * caller compiles PGlite's WebAssembly meanwhile). The same CPU as `cpSync` (~0.5-0.6 s
 * for these ~1,080 files, 39 MB), about half the time on two cores; Node 20's
 * `fs.promises.cp` took 0.7-1.4 s of CPU.
 */
export function copyTemplate(template: string, dataDir: string): Promise<void> {
  const entries = readdirSync(template, { recursive: true, withFileTypes: true });
  const pathOf = (entry: (typeof entries)[number]) => relative(template, join(entry.parentPath, entry.name));
  for (const entry of entries) if (entry.isDirectory()) mkdirSync(join(dataDir, pathOf(entry)), { recursive: true });
  const files = entries.filter((entry) => entry.isFile()).map(pathOf).filter((file) => file !== PG_VERSION);
  return Promise.all(files.map((file) => copyFile(join(template, file), join(dataDir, file)))).then(() => copyFile(join(template, PG_VERSION), join(dataDir, PG_VERSION)));
}
