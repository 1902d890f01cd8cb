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

/**
 * A REST route (the box-office API, /api/v1): plain JSON replies (no envelope), errors as
 * RFC 9457 problem details, path parameters, query, and the headers it reads. The same
 * descriptor validates the request and renders docs/openapi.yaml.
 */
export interface RestRouteDescriptor<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  method: 'get' | 'post' | 'delete';
  /** OpenAPI style: `/api/v1/halls/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description: string;
  /** The API key scope it needs (the security requirement in OpenAPI). */
  scope: string;
  /** Path parameters (strings coerced by the schema). */
  params?: P;
  query?: Q;
  body?: B;
  /** Request headers it reads besides Authorization. */
  headers?: RestHeader[];
  /** The success status and its body. */
  status: 200 | 201;
  reply: R;
  /** Response headers it sets on success (e.g. ETag). */
  replyHeaders?: RestHeader[];
  /** Also answers 304 Not Modified (a conditional GET). */
  notModified?: boolean;
  /** Errors beyond the ones every REST route may answer with (COMMON_REST_ERRORS). */
  errors: ErrorCode[];
}

export interface RestHeader {
  name: string;
  description: string;
  required: boolean;
  schema: z.ZodType;
}

/** Every REST route may answer with these (OriginNotAllowed: a browser on a foreign origin; machine clients send no Origin). */
export const COMMON_REST_ERRORS: ErrorCode[] = ['ValidationError', 'Unauthorized', 'Forbidden', 'OriginNotAllowed', 'RateLimitExceeded', 'MessageTooLarge', 'UnsupportedMediaType', 'ServiceUnavailable', 'InternalServerError'];

export function defineRestRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(
  descriptor: RestRouteDescriptor<P, Q, B, R>,
): RestRouteDescriptor<P, Q, B, R> {
  return descriptor;
}

/** Express's form of an OpenAPI path: `{id}` -> `:id`. */
export function expressPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/** Parses one part of a request with its schema; a mismatch is a ValidationError naming where. */
export function parseRequestPart<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({ path: [where, ...issue.path].join('.'), message: issue.message }));
  throw new AppError('ValidationError', issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues });
}
