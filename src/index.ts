// The server process: read the configuration, start the server, stop gracefully on
// SIGTERM/SIGINT. `npm start` runs it bundled (scripts/start.mjs), `npm run dev` through tsx.
import { ConfigError, loadConfig } from './core/config.js';
import { installCrashHandlers } from './core/crash-handlers.js';
import { createLogger } from './core/logger.js';
import { startServer } from './server.js';
import { startMark } from './core/start-trace.js';

startMark('modules loaded');

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(78); // EX_CONFIG
  }
  throw error;
}
const logger = createLogger(config);
installCrashHandlers(logger);
startMark('config, logger');

// Signals are handled from the start: a SIGTERM while the server is still starting (it
// already accepts connections before its last start-up steps) waits for the start, then
// closes, instead of killing the process with the default action.
const starting = startServer(config, logger);
let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info('shutting down', { signal });
  const deadline = setTimeout(() => {
    logger.error('shutdown took too long; exiting');
    process.exit(1);
  }, config.shutdownDrainMs + config.shutdownTimeoutMs);
  deadline.unref();
  void starting.then((server) => server.close()).then(() => process.exit(0), () => process.exit(1));
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));

try {
  await starting;
  startMark('started');
} catch (error) {
  logger.error('failed to start', { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
