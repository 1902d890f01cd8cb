// Mounts the box-office REST API: every request names an API key (Authorization:
// Bearer), which must have the route's scope; path, query, headers and body are parsed
// with the route's schemas; mutating calls run once per Idempotency-Key; errors are
// problem details. The work itself is the same service functions the socket calls.
import type { Express, Request, Response } from 'express';
import { AppError, isAppError, type ErrorCode } from '../../core/errors.js';
import { PROBLEM_CONTENT_TYPE, sendProblem, toProblem } from '../../core/http/problem.js';
import { expressPath, parseRequestPart, type RestRouteDescriptor } from '../../core/http/route.js';
import type { Logger } from '../../core/logger.js';
import type { ApiKeyService, ApiPrincipal } from '../apikey/index.js';
import { requestHash, type IdempotencyStore, type StoredAnswer } from './idempotency.js';
import { REST_ROUTES } from './boxoffice.routes.js';

/** What a route's handler gets: the request's parts as its schemas parsed them. */
export interface RestContext {
  principal: ApiPrincipal;
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
  header(name: string): string | undefined;
}

export interface RestAnswer {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type RestHandlers = Record<string, (context: RestContext) => Promise<RestAnswer>>;

/** Failures a retry may succeed at: not kept under the Idempotency-Key, so the retry runs the call. */
const TRANSIENT: ReadonlySet<ErrorCode> = new Set(['ServiceUnavailable', 'InternalServerError', 'RateLimitExceeded', 'IdempotencyInProgress']);

export function mountRestApi(app: Express, deps: { keys: ApiKeyService; idempotency: IdempotencyStore; handlers: RestHandlers; logger: Logger }): void {
  for (const route of REST_ROUTES as readonly RestRouteDescriptor[]) {
    const handle = deps.handlers[route.operationId];
    if (!handle) throw new Error(`no handler for ${route.operationId}`);
    app[route.method](expressPath(route.path), async (request, response, next) => {
      try {
        const principal = await deps.keys.authenticate(request.get('authorization'));
        if (!principal.scopes.includes(route.scope as never)) {
          throw new AppError('Forbidden', `this API key lacks the scope "${route.scope}"`, { scope: route.scope });
        }
        for (const header of route.headers ?? []) {
          const value = request.get(header.name);
          if (value === undefined) {
            if (header.required) throw new AppError('ValidationError', `the ${header.name} header is required`, { issues: [{ path: `header.${header.name}`, message: 'required' }] });
            continue;
          }
          parseRequestPart(header.schema, value, `header.${header.name}`);
        }
        const context: RestContext = {
          principal,
          params: route.params ? (parseRequestPart(route.params, request.params, 'path') as Record<string, unknown>) : {},
          query: route.query ? (parseRequestPart(route.query, request.query, 'query') as Record<string, unknown>) : {},
          body: route.body ? parseRequestPart(route.body, request.body ?? {}, 'body') : undefined,
          header: (name) => request.get(name),
        };
        if (route.method === 'get') return send(response, await handle(context), route.status);
        await runOnce(request, response, context, () => handle(context), route.status);
      } catch (error) {
        if (isAppError(error)) return sendProblem(response, error);
        next(error);
      }
    });
  }

  async function runOnce(request: Request, response: Response, context: RestContext, run: () => Promise<RestAnswer>, okStatus: number): Promise<void> {
    const keyId = context.principal.id;
    const key = request.get('idempotency-key')!;
    const hash = requestHash({ method: request.method, path: request.path, body: context.body, ifMatch: request.get('if-match') });
    const claim = await deps.idempotency.claim(keyId, key, hash);
    if (claim.kind === 'replay') {
      response.setHeader('Idempotent-Replayed', 'true');
      return sendStored(response, claim.answer);
    }
    let answer: StoredAnswer;
    try {
      const result = await run();
      answer = { status: result.status ?? okStatus, headers: result.headers ?? {}, body: result.body ?? null };
    } catch (error) {
      if (!isAppError(error) || TRANSIENT.has(error.code)) {
        await deps.idempotency.release(keyId, key).catch(() => undefined);
        throw error;
      }
      const problem = toProblem(error);
      answer = { status: problem.status, headers: { 'Content-Type': PROBLEM_CONTENT_TYPE }, body: problem };
    }
    // Stored before the reply is written: a server that dies while replying has kept it.
    await deps.idempotency.store(keyId, key, answer).catch((error: unknown) => {
      deps.logger.warn('idempotent answer not stored; a retry runs the call again', { error: error instanceof Error ? error.message : String(error) });
    });
    sendStored(response, answer);
  }
}

function send(response: Response, answer: RestAnswer, okStatus: number): void {
  sendStored(response, { status: answer.status ?? okStatus, headers: answer.headers ?? {}, body: answer.body });
}

function sendStored(response: Response, answer: StoredAnswer): void {
  for (const [name, value] of Object.entries(answer.headers)) response.setHeader(name, value);
  response.status(answer.status);
  if (answer.status === 304 || answer.body === undefined) return void response.end();
  if (answer.headers['Content-Type'] === PROBLEM_CONTENT_TYPE) return void response.send(JSON.stringify(answer.body));
  response.json(answer.body);
}
