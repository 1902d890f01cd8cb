// Routes one text frame to its handler: envelope, type, access, data schema, then the
// handler; every failure becomes one typed error reply and the connection stays open.
import { z } from 'zod';
import { isDatabaseUnavailable, type OutageReporter } from '../db/unavailable.js';
import { AppError, isAppError, type ErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { hasRole } from '../session.js';
import type { Connection } from '../ws/connection.js';
import { requestSchema } from './envelope.js';
import { DeferredReply, HandlerReply, type MessageHandler } from './handler.js';

export interface ProtocolRouterOptions {
  handlers: MessageHandler[];
  publicRead: boolean;
  logger: Logger;
  metrics: Pick<Metrics, 'messages'>;
  outages: OutageReporter;
}

export class ProtocolRouter {
  readonly handlers: ReadonlyMap<string, MessageHandler>;
  private readonly publicRead: boolean;
  private readonly logger: Logger;
  private readonly metrics: Pick<Metrics, 'messages'>;
  private readonly outages: OutageReporter;

  constructor(options: ProtocolRouterOptions) {
    const byType = new Map<string, MessageHandler>();
    for (const handler of options.handlers) {
      if (byType.has(handler.type)) throw new Error(`two handlers for message type ${handler.type}`);
      byType.set(handler.type, handler);
    }
    this.handlers = byType;
    this.publicRead = options.publicRead;
    this.logger = options.logger;
    this.metrics = options.metrics;
    this.outages = options.outages;
  }

  async dispatch(connection: Connection, text: string): Promise<void> {
    const dialect = connection.dialect;
    const heartbeat = dialect.heartbeat(text);
    if (heartbeat !== null) {
      connection.send(heartbeat);
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      this.count('invalid', 'InvalidJson');
      connection.send(dialect.error('error', '', 'InvalidJson', { message: 'frame is not valid JSON' }));
      return;
    }
    const envelope = requestSchema.safeParse(raw);
    if (!envelope.success) {
      const { type, eid } = attribution(raw);
      this.count('invalid', 'ValidationError');
      connection.send(dialect.error(type, eid, 'ValidationError', validationDetails(envelope.error)));
      return;
    }
    const { type, eid, data } = envelope.data;
    const handler = this.handlers.get(type);
    if (!handler) {
      // Not the client's type as a label: any string would make a new time series.
      this.count('unknown', 'UnknownMessageType');
      connection.send(dialect.error(type, eid, 'UnknownMessageType', { message: `unknown message type ${type}` }));
      return;
    }
    try {
      this.checkAccess(handler, connection);
      const parsed = handler.data.safeParse(data);
      if (!parsed.success) throw new AppError('ValidationError', 'invalid data', validationDetails(parsed.error));
      let result = await handler.handle(
        { connection, session: connection.session, eid, type, logger: connection.logger },
        parsed.data,
      );
      if (result instanceof DeferredReply) result = result.build();
      this.count(type, 'success');
      if (result instanceof HandlerReply) {
        connection.send(dialect.reply(type, eid, result.status, result.data));
        result.afterReply?.();
      } else {
        connection.send(dialect.reply(type, eid, 'success', result));
      }
    } catch (error) {
      this.count(type, isAppError(error) ? error.code : 'InternalServerError');
      connection.send(this.errorReply(connection, type, eid, error));
    }
  }

  /**
   * Answers a frame refused before dispatch (over the rate limit) with `code`, under its
   * own type and eid when it has valid ones, so a client can tell which request failed.
   */
  refuse(connection: Connection, text: string, code: ErrorCode, data: Record<string, unknown>): void {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      raw = null;
    }
    const { type, eid } = attribution(raw);
    connection.send(connection.dialect.error(type, eid, code, data));
  }

  private count(type: string, outcome: string): void {
    this.metrics.messages.inc({ type, outcome });
  }

  private checkAccess(handler: MessageHandler, connection: Connection): void {
    const session = connection.session;
    if (handler.access === 'public') return;
    if (handler.access === 'reader') {
      if (this.publicRead || session) return;
      throw new AppError('Unauthorized', 'log in to read halls (PUBLIC_READ is off)');
    }
    if (!session) throw new AppError('Unauthorized', 'log in first');
    if (!hasRole(session, handler.access)) throw new AppError('Forbidden', `needs role ${handler.access}`);
  }

  private errorReply(connection: Connection, type: string, eid: string, error: unknown): string | null {
    const { dialect, logger } = connection;
    if (!isAppError(error) && isDatabaseUnavailable(error)) error = this.outages.report(error, this.logger);
    if (isAppError(error)) {
      return dialect.error(type, eid, error.code, { message: error.message, ...error.details });
    }
    // Unexpected: log everything here, send nothing that could leak a stack or SQL.
    logger.error('handler failed', { type, eid, error: error instanceof Error ? error.stack : String(error) });
    const code: ErrorCode = 'InternalServerError';
    return dialect.error(type, eid, code, { message: 'internal error' });
  }
}

/**
 * The type and eid to answer a frame under: its own when they are valid envelope fields,
 * else `error` and `""`. Never an invalid one: that could be a 60,000-character string
 * sent to be echoed back.
 */
function attribution(raw: unknown): { type: string; eid: string } {
  const partial = (typeof raw === 'object' && raw !== null ? raw : {}) as { type?: unknown; eid?: unknown };
  const type = requestSchema.shape.type.safeParse(partial.type);
  const eid = requestSchema.shape.eid.safeParse(partial.eid);
  return { type: type.success ? type.data : 'error', eid: eid.success ? eid.data : '' };
}

function validationDetails(error: z.ZodError): { message: string; issues: { path: string; message: string }[] } {
  const issues = error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  return { message: issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '), issues };
}
