// Process-level handlers: an unhandled rejection or an uncaught exception is a bug that
// may have left state half-changed, so it is logged as one line (JSON in production,
// with the stack inside it rather than spread over many lines) and the process exits
// non-zero for its supervisor to restart it.
import type { Logger } from './logger.js';

export function installCrashHandlers(logger: Logger, exit: (code: number) => void = (code) => process.exit(code)): void {
  const crash = (kind: string) => (reason: unknown) => {
    logger.error(kind, { error: reason instanceof Error ? reason.stack : String(reason) });
    exit(70); // EX_SOFTWARE
  };
  process.on('unhandledRejection', crash('unhandled rejection'));
  process.on('uncaughtException', crash('uncaught exception'));
}
