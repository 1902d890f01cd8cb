// `npm run db:new-epoch`: gives the configured database (DATABASE_URL, or the embedded one
// in DATA_DIR) a new epoch. Run it after restoring a backup, or after copying a database
// or data folder, with the servers stopped: clients that resume with versions of the
// history they saw before then get a fresh snapshot instead of updates that would not
// fit their seat map (docs/database.md, "Epoch").
import { loadConfig } from '../src/core/config.js';
import { openDatabase, renewEpoch } from '../src/core/db/index.js';
import { createLogger } from '../src/core/logger.js';

const config = loadConfig();
const logger = createLogger(config);
const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
try {
  const epoch = await renewEpoch(db.prisma);
  console.log(`new epoch ${epoch}; start the servers now`);
} finally {
  await db.close();
}
