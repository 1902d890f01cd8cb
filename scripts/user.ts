// `npm run user -- <command>`: user administration on the configured database, no login
// needed (commands in src/modules/user/user-commands.ts; `npm run user` alone lists them).
// Running servers on the same PostgreSQL database hear about each change through
// pg_notify and apply it to the user's open sockets at once. An embedded PGlite folder is
// held by one process: while a server runs on it, the command is sent to that server over
// its local admin socket (DATA_DIR/admin.sock) and the server runs it.
import { loadConfig } from '../src/core/config.js';
import { CHANNELS } from '../src/core/bus/bus.js';
import { createLogger } from '../src/core/logger.js';
import { resolveSecrets } from '../src/core/secrets.js';
import { runAdminCommand } from './admin-command.js';
import { createUserAdminTools, parseUserCommand, runUserCommand, USER_COMMAND_USAGE } from '../src/modules/user/index.js';

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

await runAdminCommand({
  config,
  logger,
  args,
  run(db) {
    const tools = createUserAdminTools({
      prisma: db.prisma,
      config: resolveSecrets(config, logger),
      logger,
      async notifyUserChanged(userId) {
        await db.prisma.$executeRaw`SELECT pg_notify(${CHANNELS.userChanged}, ${String(userId)})`;
      },
    });
    return runUserCommand(tools, command, BY, baseUrl);
  },
});
