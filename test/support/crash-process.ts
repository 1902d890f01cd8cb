// A process that crashes the way a bug would, with the server's crash handlers and its
// production log format installed: `rejection` or `exception` as the first argument.
import { installCrashHandlers } from '../../src/core/crash-handlers.js';
import { createLogger } from '../../src/core/logger.js';

const logger = createLogger({ log: { level: 'info', format: 'json' } });
installCrashHandlers(logger);
if (process.argv[2] === 'rejection') void Promise.reject(new Error('a bug in a promise'));
else setImmediate(() => {
  throw new Error('a bug in a callback');
});
