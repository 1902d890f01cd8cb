// Builds the migrated PGlite templates ahead of time (run by postinstall), so the first
// start on a new data folder, and every test on PGlite, skips initdb: the empty one, and
// the one with the demo cinemas that a first start with SEED_DEMO=true copies. Idempotent:
// cached templates for the current migrations and demo are kept as they are.
import { ensureTemplate } from '../src/core/db/pglite-template.js';
import { createLogger } from '../src/core/logger.js';
import { demoTemplateContents } from '../src/demo/seed.js';

const logger = createLogger({ log: { level: 'info', format: 'pretty' } });
await ensureTemplate({ logger });
await ensureTemplate({ logger, contents: demoTemplateContents });
