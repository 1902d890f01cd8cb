// `npm run api-key -- <command>`: API keys of the box-office REST API, no login needed
// (commands in src/modules/apikey/apikey-commands.ts; `npm run api-key` alone lists them).
// On PostgreSQL it writes to the database (a revoked key is refused by every instance
// from its next request on: keys are read per request). An embedded PGlite folder is held
// by one process: while a server runs on it, the command goes to that server over its
// local admin socket (DATA_DIR/admin.sock) and the server runs it.
import { loadConfig } from '../src/core/config.js';
import { createLogger } from '../src/core/logger.js';
import { API_KEY_COMMAND_USAGE, createApiKeyModule, parseApiKeyCommand, runApiKeyCommand } from '../src/modules/apikey/index.js';
import { runAdminCommand } from './admin-command.js';

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

await runAdminCommand({
  config,
  logger,
  args,
  tool: 'api-key',
  run(db) {
    const { service } = createApiKeyModule({ prisma: db.prisma, logger, rate: { ratePerSecond: config.api.ratePerSecond, burst: config.api.burst } });
    return runApiKeyCommand(service, command, BY);
  },
});
