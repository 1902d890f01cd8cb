// A database that cannot be reached (restarting, killed, network gone) is not a bug in
// the request that met it: the transports answer ServiceUnavailable with a retry hint,
// and the log says so once in a while, not with a stack trace per request (an outage of
// 8 s under load was 620 of them).
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';

/** Seconds a client is told to wait before retrying (`details.retry_after`, HTTP Retry-After). */
export const UNAVAILABLE_RETRY_AFTER_S = 2;

/** At most one log line per this many ms while the outage lasts. */
const LOG_EVERY_MS = 10_000;

// Node socket errors, Prisma's connection errors (P1001 unreachable, P1002 timed out,
// P1008 socket timeout, P1017 connection closed, P2024 pool timeout, P2037 too many
// connections) and the driver adapter's error kinds for the same.
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2037']);
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
// pg's messages for a connection that ended, which carry no code.
const CONNECTION_MESSAGES = /Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Can't reach database server/i;

/**
 * True when `error` (or an error it wraps) says the database could not be reached or
 * dropped the connection: SQLSTATE class 08 (connection exception), 57P01-57P03 (shutdown,
 * crash, not yet accepting), 53300 (too many connections), or a socket error.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { code, kind, message, originalCode } = current as { code?: unknown; kind?: unknown; message?: unknown; originalCode?: unknown };
    for (const c of [code, originalCode]) {
      if (typeof c === 'string' && (CONNECTION_CODES.has(c) || c.startsWith('08') || /^57P0[123]$/.test(c) || c === '53300')) return true;
    }
    if (typeof kind === 'string' && ADAPTER_KINDS.has(kind)) return true;
    if (typeof message === 'string' && CONNECTION_MESSAGES.test(message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * One server's outage reports: the client-facing error for each request that met the
 * outage, and at most one log line per LOG_EVERY_MS with how many more failed meanwhile.
 * One per server, not per logger: requests and connections log through loggers of their
 * own (with their ids), and a throttle keyed on those would report every request.
 */
export class OutageReporter {
  private lastAt = Number.NEGATIVE_INFINITY;
  private suppressed = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Logs (the message only, never a stack) through `logger` when a report is due. */
  report(error: unknown, logger: Logger): AppError {
    const now = this.now();
    if (now - this.lastAt < LOG_EVERY_MS) {
      this.suppressed++;
    } else {
      logger.warn('database unavailable', {
        error: error instanceof Error ? error.message : String(error),
        ...(this.suppressed ? { failed_since_last_report: this.suppressed } : {}),
      });
      this.lastAt = now;
      this.suppressed = 0;
    }
    return new AppError('ServiceUnavailable', 'the database is unavailable; retry later', { retry_after: UNAVAILABLE_RETRY_AFTER_S });
  }
}
