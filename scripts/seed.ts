// `npm run seed [-- --force]`: the demo data, on demand. Without --force it only seeds a
// database with no cinemas, as the server's first start does; --force replaces every
// cinema (and its halls, seats, showings and history) with the demo ones. Seeding writes
// the demo schedule too: today's and tomorrow's showings from now.
import { loadConfig } from '../src/core/config.js';
import { openDatabase } from '../src/core/db/index.js';
import { createLogger } from '../src/core/logger.js';
import { seedDemoSchedule } from '../src/demo/schedule.js';
import { seedDemoData } from '../src/demo/seed.js';

const force = process.argv.includes('--force');
const config = loadConfig();
const logger = createLogger(config);
const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
let failed = false;
try {
  const result = await seedDemoData(db.prisma, { force });
  if (result.seeded) {
    const showings = await seedDemoSchedule(db.prisma, { now: Date.now(), timeZone: config.scheduleTimeZone });
    logger.info('demo data seeded', { ...result, showings });
  }
  else logger.info('cinemas already exist, nothing seeded (use --force to replace them)');
} catch (error) {
  logger.error('seeding failed:', error);
  failed = true;
} finally {
  await db.close();
}
// Set after close: closing PGlite resets process.exitCode.
if (failed) process.exitCode = 1;
