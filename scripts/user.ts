// `npm run user -- <command>`: user administration on the configured database, no login
// needed (commands in src/modules/user/user-commands.ts; `npm run user` alone lists them).
// Running servers on the same PostgreSQL database hear about each change through
// pg_notify and apply it to the user's open sockets at once. An embedded PGlite folder is
// held by one process: while a server runs on it, the command is sent to that server over
// its local admin socket (DATA_DIR/admin.sock) and the server runs it.
import { loadConfig } from '../src/core/config.js';
import { CHANNELS } from '../src/core/bus/bus.js';
import { DataDirLockedError, openDatabase } from '../src/core/db/index.js';
import { isAppError } from '../src/core/errors.js';
import { createLogger } from '../src/core/logger.js';
import { resolveSecrets } from '../src/core/secrets.js';
import { askAdminSocket, createUserAdminTools, parseUserCommand, runUserCommand, USER_COMMAND_USAGE } from '../src/modules/user/index.js';

const BY = 'command line';
const args = process.argv.slice(2);
const command = parseUserCommand(args);
if (!command) {
  console.error(USER_COMMAND_USAGE);
  process.exit(2);
}

const config = loadConfig();
const logger = createLogger(config);
const baseUrl = config.publicUrl ?? `http://localhost:${config.port}`;

async function runHere(): Promise<string | null> {
  let db;
  try {
    db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, cacheDir: config.cacheDir, logger });
  } catch (error) {
    if (error instanceof DataDirLockedError) return null;
    throw error;
  }
  try {
    const tools = createUserAdminTools({
      prisma: db.prisma,
      config: resolveSecrets(config, logger),
      logger,
      async notifyUserChanged(userId) {
        await db.prisma.$executeRaw`SELECT pg_notify(${CHANNELS.userChanged}, ${String(userId)})`;
      },
    });
    return await runUserCommand(tools, command!, BY, baseUrl);
  } finally {
    await db.close();
  }
}

let failed = false;
try {
  let output = await runHere();
  if (output === null) {
    // The embedded server holds the folder: it runs the command.
    const reply = await askAdminSocket(config.dataDir, args);
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
