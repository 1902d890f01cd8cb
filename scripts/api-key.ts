// `npm run api-key -- <command>`: API keys of the box-office REST API, no login needed
// (commands in src/modules/apikey/apikey-commands.ts; `npm run api-key` alone lists them).
// On PostgreSQL it writes to the database (a revoked key is refused by every instance
// from its next request on: keys are read per request). An embedded PGlite folder is held
// by one process: while a server runs on it, the command goes to that server over its
// local admin socket (DATA_DIR/admin.sock) and the server runs it.
import { loadConfig } from '../src/core/config.js';
import { DataDirLockedError, openDatabase } from '../src/core/db/index.js';
import { isAppError } from '../src/core/errors.js';
import { createLogger } from '../src/core/logger.js';
import { API_KEY_COMMAND_USAGE, createApiKeyModule, parseApiKeyCommand, runApiKeyCommand } from '../src/modules/apikey/index.js';
import { askAdminSocket } from '../src/modules/user/index.js';

const BY = 'command line';
const args = process.argv.slice(2);
const command = parseApiKeyCommand(args);
if (!command) {
  console.error(API_KEY_COMMAND_USAGE);
  process.exit(2);
}

const config = loadConfig();
// Quiet: the created key goes to stdout, and only there.
const logger = createLogger({ ...config, log: { ...config.log, level: 'warn' } });

async function runHere(): Promise<string | null> {
  let db;
  try {
    db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, cacheDir: config.cacheDir, logger });
  } catch (error) {
    if (error instanceof DataDirLockedError) return null;
    throw error;
  }
  try {
    const { service } = createApiKeyModule({ prisma: db.prisma, logger, rate: { ratePerSecond: config.api.ratePerSecond, burst: config.api.burst } });
    return await runApiKeyCommand(service, command!, BY);
  } finally {
    await db.close();
  }
}

let failed = false;
try {
  let output = await runHere();
  if (output === null) {
    const reply = await askAdminSocket(config.dataDir, args, 'api-key');
    if (reply.error !== undefined) {
      console.error(`${reply.error}: ${reply.message}`);
      failed = true;
    }
    output = reply.output ?? '';
  }
  if (output) console.log(output);
} catch (error) {
  if (!isAppError(error)) throw error;
  console.error(`${error.code}: ${error.message}`);
  failed = true;
}
// Set after close: closing PGlite (Emscripten) resets process.exitCode.
if (failed) process.exitCode = 1;
