// Builds the migrated PGlite template ahead of time (run by postinstall), so the first
// start on a new data folder, and every test on PGlite, skips initdb. Idempotent: a cached
// template for the current migrations is kept as is.
import { ensureTemplate } from '../src/core/db/pglite-template.js';
import { createLogger } from '../src/core/logger.js';

await ensureTemplate({ logger: createLogger({ log: { level: 'info', format: 'pretty' } }) });
