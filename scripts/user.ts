// `npm run user -- set-role <username> <role>`: bootstraps the first admin (or changes any
// role) straight on the configured database, no server or login needed.
// `npm run user -- revoke <username>`: ends every session of the user.
// Running servers on the same PostgreSQL database hear about it through pg_notify and
// apply it to the user's open sockets at once. (An embedded PGlite folder is held by one
// process, so there the server is stopped while this runs.)
import { CHANNELS } from '../src/core/bus/bus.js';
import { loadConfig } from '../src/core/config.js';
import { openDatabase } from '../src/core/db/index.js';
import { isAppError } from '../src/core/errors.js';
import { createLogger } from '../src/core/logger.js';
import type { Role } from '../src/core/session.js';
import { createUserAdminTools, roleSchema, usernameSchema } from '../src/modules/user/index.js';

const USAGE = 'usage: npm run user -- set-role <username> <viewer|staff|admin>\n       npm run user -- revoke <username>';
const BY = 'command line';

type Task = { command: 'set-role'; username: string; role: Role } | { command: 'revoke'; username: string };

function parseArguments(args: string[]): Task | null {
  const [command, name, role, ...rest] = args;
  const username = usernameSchema.safeParse(name);
  if (!username.success || rest.length > 0) return null;
  if (command === 'set-role') {
    const parsedRole = roleSchema.safeParse(role);
    return parsedRole.success ? { command, username: username.data, role: parsedRole.data } : null;
  }
  return command === 'revoke' && role === undefined ? { command, username: username.data } : null;
}

const task = parseArguments(process.argv.slice(2));
if (!task) {
  console.error(USAGE);
  process.exit(2);
}

const config = loadConfig();
const logger = createLogger(config);
const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, cacheDir: config.cacheDir, logger });
const admin = createUserAdminTools({
  prisma: db.prisma,
  logger,
  async notifyUserChanged(userId) {
    await db.prisma.$executeRaw`SELECT pg_notify(${CHANNELS.userChanged}, ${String(userId)})`;
  },
});
let failed = false;
try {
  if (task.command === 'set-role') await admin.setRole(task.username, task.role, BY);
  else await admin.revokeSessions(task.username, BY);
} catch (error) {
  if (!isAppError(error)) throw error;
  console.error(`${error.code}: ${error.message}`);
  failed = true;
} finally {
  await db.close();
}
// Set after close: closing PGlite (Emscripten) resets process.exitCode.
if (failed) process.exitCode = 1;
