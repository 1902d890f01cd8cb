// `npm run db:migrate`: applies prisma/migrations/ to DATABASE_URL, or to the embedded
// database in DATA_DIR (which must not be open in a running server: it is locked).
// `npm run db:migration:new -- <name>`: writes a migration for the changes in
// prisma/schema.prisma, diffing on DATABASE_URL's server (needs CREATEDB for a shadow
// database) or, without it, on an in-memory PGlite (DATA_DIR is not touched).
import type { PGlite } from '@electric-sql/pglite';
import { loadConfig } from '../src/core/config.js';
import { createMigration, openDatabase } from '../src/core/db/index.js';
import { DEFAULT_CACHE_DIR, openBlankPGlite } from '../src/core/db/pglite-blank.js';
import { createLogger } from '../src/core/logger.js';

const [command, name] = process.argv.slice(2);
const config = loadConfig();
const logger = createLogger(config);

async function newMigration(migrationName: string): Promise<void> {
  const folder = config.databaseUrl
    ? await createMigration(migrationName, { kind: 'postgres', connectionString: config.databaseUrl }, { logger })
    : await withScratchPGlite((pglite) => createMigration(migrationName, { kind: 'pglite', pglite }, { logger }));
  console.log(folder === undefined ? 'no changes' : `created ${folder}/migration.sql`);
}

async function withScratchPGlite<T>(work: (pglite: PGlite) => Promise<T>): Promise<T> {
  const pglite = await openBlankPGlite(DEFAULT_CACHE_DIR);
  try {
    return await work(pglite);
  } finally {
    await pglite.close();
  }
}

try {
  if (command === 'apply') {
    // Opening migrates (and logs what it applied); nothing else to do.
    await (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger })).close();
  } else if (command === 'new' && name) {
    await newMigration(name);
  } else {
    console.error('usage: tsx scripts/migrate.ts apply | new <name>');
    process.exitCode = 2;
  }
} catch (error) {
  logger.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
