// An empty PGlite database right after initdb, kept as a `dumpDataDir` tarball in the cache
// folder, once per PGlite version. A fresh PGlite runs initdb: 5-11 s and ~0.9 GB of memory;
// loading this tarball takes ~1-2 s. It seeds the migrated template (pglite-template.ts) and
// the in-memory shadow databases that diffs replay migrations into.
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PROJECT_ROOT } from '../project-root.js';

/** Where `npm ci` recreates nothing by itself and source control never looks. */
export const DEFAULT_CACHE_DIR = join(PROJECT_ROOT, 'node_modules/.cache/seats-sync');

/** Data folders of one PGlite version do not load in another (0.4 vs 0.5 at least). */
export async function pgliteVersion(): Promise<string> {
  const packageJson = new URL('../package.json', import.meta.resolve('@electric-sql/pglite'));
  return (JSON.parse(await readFile(packageJson, 'utf8')) as { version: string }).version;
}

/** Uncompressed: gzip is 10x smaller (4 vs 40 MB) but slower to load. */
export async function blankSnapshot(cacheDir: string): Promise<Blob> {
  const path = join(cacheDir, `pglite-${await pgliteVersion()}-blank.tar`);
  const cached = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (cached) return new Blob([cached], { type: 'application/x-tar' });

  const pglite = await PGlite.create();
  try {
    const snapshot = await pglite.dumpDataDir('none');
    // Written aside and renamed into place: a concurrent reader never sees half a file.
    await mkdir(cacheDir, { recursive: true });
    const partial = `${path}.${randomUUID()}.partial`;
    await writeFile(partial, new Uint8Array(await snapshot.arrayBuffer()));
    await rename(partial, path);
    return snapshot;
  } finally {
    await pglite.close();
  }
}

/** A new, empty, in-memory database. */
export async function openBlankPGlite(cacheDir: string): Promise<PGlite> {
  return PGlite.create({ loadDataDir: await blankSnapshot(cacheDir) });
}
