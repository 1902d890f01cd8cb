// Renders docs/openapi.yaml (OpenAPI 3.1) from the route descriptors: each route's body
// and reply schemas, wrapped in the `{data, status, error}` reply, and its errors grouped
// by HTTP status; and the REST routes (the box-office API): parameters, headers, plain
// replies, problem details, and the API key as a bearer token.
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../errors.js';
import { PROBLEM_CONTENT_TYPE, problemSchema } from './problem.js';
import { COMMON_REST_ERRORS, COMMON_ROUTE_ERRORS, type RestHeader, type RestRouteDescriptor, type RouteDescriptor } from './route.js';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function operationId(path: string): string {
  return path.split('/').filter(Boolean).slice(1).join('_');
}

export interface OpenApiInfo {
  version: string;
  description: string;
}

export function renderOpenApi(routes: readonly RouteDescriptor[], info: OpenApiInfo, restRoutes: readonly RestRouteDescriptor[] = []): object {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of restRoutes) paths[route.path] = { ...paths[route.path], [route.method]: restOperation(route) };
  for (const route of routes) {
    const byStatus = new Map<number, ErrorCode[]>();
    for (const code of [...new Set([...route.errors, ...COMMON_ROUTE_ERRORS])]) {
      const http = ERROR_CODES[code].http;
      byStatus.set(http, [...(byStatus.get(http) ?? []), code]);
    }
    const responses: Record<string, unknown> = {
      '200': {
        description: 'Success.',
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['data', 'status', 'error'],
              properties: { data: jsonSchema(route.reply, 'output'), status: { const: 'success' }, error: { type: 'null' } },
            },
          },
        },
      },
    };
    for (const [http, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
      responses[String(http)] = {
        description: codes.map((code) => `\`${code}\`: ${ERROR_CODES[code].description}`).join(' '),
        content: { 'application/json': { schema: errorReply(codes) } },
      };
    }
    paths[route.path] = {
      ...paths[route.path],
      [route.method]: {
        operationId: operationId(route.path),
        summary: route.summary,
        description: `${route.description}\n\nWho: ${route.who}.`,
        requestBody: { required: false, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } },
        responses,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Seats Sync HTTP API', version: info.version, description: info.description },
    servers: [{ url: '/', description: 'The server that serves this document.' }],
    paths,
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'seats_session', description: 'The HttpOnly session cookie set by register and login.' },
        ...(restRoutes.length > 0
          ? {
              apiKey: {
                type: 'http',
                scheme: 'bearer',
                bearerFormat: 'ssk_<id>_<secret>',
                description:
                  'A box-office API key (`npm run api-key -- create`, or the staff console), sent as `Authorization: Bearer ssk_...`. Each key has scopes (`read`, `hold`, `mark`: the route says which it needs), may be limited to some cinemas (others answer 404 as if they did not exist), and is rate-limited (429 RateLimitExceeded with Retry-After).',
              },
            }
          : {}),
      },
    },
  };
}

function errorReply(codes: ErrorCode[]): JsonSchema {
  return {
    type: 'object',
    required: ['data', 'status', 'error'],
    properties: {
      data: { type: 'object', required: ['message'], properties: { message: { type: 'string' } }, additionalProperties: true },
      status: { const: 'error' },
      error: { enum: codes },
    },
  };
}

function restOperation(route: RestRouteDescriptor): object {
  const parameters: object[] = [];
  for (const [where, schema] of [['path', route.params], ['query', route.query]] as const) {
    if (!schema) continue;
    const shape = (schema as unknown as z.ZodObject).shape as Record<string, z.ZodType>;
    for (const [name, field] of Object.entries(shape)) {
      parameters.push({ name, in: where, required: where === 'path' || !field.safeParse(undefined).success, schema: jsonSchema(field, 'input') });
    }
  }
  for (const header of route.headers ?? []) parameters.push({ name: header.name, in: 'header', required: header.required, description: header.description, schema: jsonSchema(header.schema, 'input') });

  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of [...new Set([...route.errors, ...COMMON_REST_ERRORS])]) {
    const http = ERROR_CODES[code].http;
    byStatus.set(http, [...(byStatus.get(http) ?? []), code]);
  }
  const responses: Record<string, unknown> = {
    [String(route.status)]: {
      description: route.status === 201 ? 'Created.' : 'Success.',
      ...(route.replyHeaders ? { headers: responseHeaders(route.replyHeaders) } : {}),
      content: { 'application/json': { schema: jsonSchema(route.reply, 'output') } },
    },
  };
  if (route.notModified) responses['304'] = { description: 'Not Modified: the If-None-Match version is still current.', ...(route.replyHeaders ? { headers: responseHeaders(route.replyHeaders) } : {}) };
  for (const [http, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(http)] = {
      description: codes.map((code) => `\`${code}\`: ${ERROR_CODES[code].description}`).join(' '),
      content: { [PROBLEM_CONTENT_TYPE]: { schema: jsonSchema(problemSchema(codes), 'output') } },
    };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: `${route.description}\n\nScope: \`${route.scope}\`.`,
    tags: ['Box office API'],
    security: [{ apiKey: [] }],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
    responses,
  };
}

function responseHeaders(headers: RestHeader[]): Record<string, unknown> {
  return Object.fromEntries(headers.map((h) => [h.name, { description: h.description, required: h.required, schema: jsonSchema(h.schema, 'output') }]));
}
