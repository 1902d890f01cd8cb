// The Express app: request ids and the access log, health and readiness, JSON bodies,
// cookies, CORS and the Origin check on state-changing requests, and the one place HTTP
// errors are shaped.
import { randomUUID } from 'node:crypto';
import cookieParser from 'cookie-parser';
import cors from 'cors';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import type { Config } from '../config.js';
import { isDatabaseUnavailable, UNAVAILABLE_RETRY_AFTER_S, type OutageReporter } from '../db/unavailable.js';
import { AppError, isAppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { compileTrustProxy, type TrustProxy } from './client-ip.js';
import { isListedOrigin, isOriginAllowed } from './origin.js';
import { sendProblem } from './problem.js';
import { sendError as sendEnvelopeError } from './reply.js';

export interface HttpAppOptions {
  config: Pick<Config, 'allowedOrigins' | 'publicUrl' | 'trustProxy'>;
  logger: Logger;
  outages: OutageReporter;
  /** Resolves when the database answers and migrations are applied. */
  checkReady(): Promise<{ ready: boolean; detail?: Record<string, unknown> }>;
  /** Modules add their routes and static files here. */
  mount(app: Express): void;
}

export function createHttpApp(options: HttpAppOptions): Express {
  const { config, logger } = options;
  const app = express();
  app.disable('x-powered-by');
  const trustProxy = compileTrustProxy(config.trustProxy);
  app.set('trust proxy', trustProxy);
  app.use(expressFourMount);

  app.use(requestLogger(logger, trustProxy));
  app.get('/health', (_request, response) => {
    response.json({ status: 'ok', uptime_s: Math.round(process.uptime()) });
  });
  app.get('/ready', async (_request, response) => {
    const { ready, detail } = await options.checkReady().catch(() => ({ ready: false, detail: undefined }));
    response.status(ready ? 200 : 503).json({ status: ready ? 'ok' : 'unavailable', ...detail });
  });

  // Pages on another origin (ALLOWED_ORIGINS) call the API with credentials; any other
  // origin gets no CORS header, so its browser keeps the reply from it. Preflights end here.
  app.use(
    cors({
      origin: (origin, callback) => callback(null, origin !== undefined && isListedOrigin(origin, config.allowedOrigins)),
      credentials: true,
      methods: ['GET', 'POST'],
      allowedHeaders: ['Content-Type'],
      maxAge: 600,
    }),
  );
  app.use(express.json({ limit: '16kb' }));
  app.use(cookieParser());
  app.use(originCheck(config, trustProxy));
  options.mount(app);

  app.use((request, _response, next) => next(new AppError('NotFound', `no endpoint ${request.method} ${request.path}`)));
  app.use(errorHandler(logger, options.outages));
  return app;
}

/**
 * The original client posts to `/api//user/<method>` (its API_URL + "/" + "/user/...").
 * Express 4 routed that: a mount point matched with one trailing slash, so `/api/` was
 * taken off and `/user/...` remained. Express 5 does not; this does the same for `/api`.
 */
const expressFourMount: RequestHandler = (request, _response, next) => {
  if (request.url.startsWith('/api//')) request.url = `/api${request.url.slice('/api/'.length)}`;
  next();
};

/** Where the REST API lives (problem details, API keys). */
const REST_PREFIX = '/api/v1/';

/** Probes hit every few seconds per load balancer: logged at debug, or they would be most of the log. */
const PROBE_PATHS = new Set(['/health', '/ready']);

/** What a proxy may hand us as a request id: short, and nothing that could forge a log line. */
const REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

function requestLogger(logger: Logger, trustProxy: TrustProxy): RequestHandler {
  return (request, response, next) => {
    const started = process.hrtime.bigint();
    // A proxy's id joins our lines to its own, but only from a proxy TRUST_PROXY trusts:
    // from anyone else it would let a client write what it likes into the logs.
    const offered = request.headers['x-request-id'];
    const fromProxy = typeof offered === 'string' && REQUEST_ID.test(offered) && trustProxy(request.socket.remoteAddress ?? '', 0);
    const requestId = fromProxy ? offered : randomUUID();
    response.setHeader('X-Request-Id', requestId);
    // Read now: inside a mounted router request.path is relative to the mount point.
    const path = request.path;
    response.locals.logger = logger.child({ request: requestId });
    response.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // The path only: query strings could carry anything.
      logger.log(PROBE_PATHS.has(path) ? 'debug' : 'info', 'request', {
        request: requestId,
        method: request.method,
        path,
        status: response.statusCode,
        ms: Math.round(ms * 10) / 10,
      });
    });
    next();
  };
}

function originCheck(config: HttpAppOptions['config'], trustProxy: TrustProxy): RequestHandler {
  return (request, _response, next) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return next();
    if (isOriginAllowed(request, config, trustProxy)) return next();
    next(new AppError('OriginNotAllowed', 'this origin may not send requests here'));
  };
}

function errorHandler(logger: Logger, outages: OutageReporter): ErrorRequestHandler {
  return (error: unknown, request, response, _next) => {
    // The request's own logger: the error line carries its request id.
    const log = (response.locals.logger as Logger | undefined) ?? logger;
    // The box-office REST API answers errors as problem details (RFC 9457), the rest as {data, status, error}.
    const sendError = request.path.startsWith(REST_PREFIX) ? sendProblem : sendEnvelopeError;
    if (isAppError(error)) return sendError(response, error);
    // body-parser: malformed JSON, an oversized body, or a charset or Content-Encoding it
    // cannot read is the client's mistake, not a 500.
    const status = (error as { status?: number; type?: string }).status;
    if (status === 413) return sendError(response, new AppError('MessageTooLarge', 'request body too large'));
    if (status === 415) return sendError(response, new AppError('UnsupportedMediaType', (error as Error).message));
    if (status === 400) return sendError(response, new AppError('ValidationError', 'request body is not valid JSON'));
    if (isDatabaseUnavailable(error)) {
      response.setHeader('Retry-After', String(UNAVAILABLE_RETRY_AFTER_S));
      return sendError(response, outages.report(error, log));
    }
    log.error('request failed', { error: error instanceof Error ? error.stack : String(error) });
    sendError(response, new AppError('InternalServerError', 'internal error'));
  };
}
