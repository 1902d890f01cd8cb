// An HTTP route as one descriptor, like a socket message: method and path, body schema,
// reply schema, who may call it, the errors it may answer with, and the function that
// does the work. The app mounts routes from it, docs/openapi.yaml and docs/protocol.md
// are generated from it, and the tests check every reply against it.
import type { Express, Request, Response } from 'express';
import type { z } from 'zod';
import { AppError, type ErrorCode } from '../errors.js';
import { sendSuccess } from './reply.js';

export interface RouteDescriptor<B extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  method: 'post';
  path: string;
  /** One line for the OpenAPI summary. */
  summary: string;
  description: string;
  /** Who may call it, in words (the route checks it). */
  who: string;
  body: B;
  /** The `data` of a successful reply. */
  reply: R;
  /** Errors beyond the ones every route may answer with (see COMMON_ROUTE_ERRORS). */
  errors: ErrorCode[];
}

/** Every route may answer with these: a bad body, a foreign Origin, a failure on the server. */
export const COMMON_ROUTE_ERRORS: ErrorCode[] = ['ValidationError', 'OriginNotAllowed', 'MessageTooLarge', 'InternalServerError'];

export function defineRoute<B extends z.ZodType, R extends z.ZodType>(descriptor: RouteDescriptor<B, R>): RouteDescriptor<B, R> {
  return descriptor;
}

export interface Route extends RouteDescriptor {
  /** Returns the reply's data; may set cookies on `response`. */
  handle(request: Request, response: Response, body: unknown): Promise<unknown>;
}

export function handleRoute<B extends z.ZodType>(
  descriptor: RouteDescriptor<B>,
  handle: (request: Request, response: Response, body: z.output<B>) => Promise<unknown>,
): Route {
  return { ...descriptor, handle: handle as Route['handle'] };
}

/** Mounts each route: parse the body with its schema, run it, write `{data, status, error}`. */
export function mountRoutes(app: Express, routes: readonly Route[]): void {
  for (const route of routes) {
    app[route.method](route.path, async (request, response) => {
      const body = parseBody(route.body, request.body);
      sendSuccess(response, await route.handle(request, response, body));
    });
  }
}

function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  throw new AppError('ValidationError', issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '), { issues });
}
