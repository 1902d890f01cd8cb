// Renders docs/openapi.yaml (OpenAPI 3.1) from the route descriptors: each route's body
// and reply schemas, wrapped in the `{data, status, error}` reply, and its errors grouped
// by HTTP status.
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../errors.js';
import { COMMON_ROUTE_ERRORS, type RouteDescriptor } from './route.js';

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

export function renderOpenApi(routes: readonly RouteDescriptor[], info: OpenApiInfo): object {
  const paths: Record<string, Record<string, unknown>> = {};
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
