// Renders docs/asyncapi.yaml (AsyncAPI 3.0) from the message descriptors. The frame
// shapes belong to a dialect, passed in as data: each dialect becomes one channel with
// its own messages and operations, so a second wire dialect of the same messages is one
// more entry in the list, not another generator.
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../errors.js';
import { OWN_SUBPROTOCOL } from './dialect.js';
import type { MessageDescriptor, PushStatus } from './handler.js';

type JsonSchema = Record<string, unknown>;

/** How one dialect frames a message's `data` on the wire. */
export interface SocketDialect {
  /** The channel id in the document. */
  id: string;
  title: string;
  description: string;
  /** Path of the WebSocket endpoint. */
  address: string;
  /** The Sec-WebSocket-Protocol that selects this dialect, if any. */
  subprotocol?: string;
  request(type: string, data: JsonSchema): JsonSchema;
  /** A reply (`success` or `snapshot`) or push frame carrying `data`. */
  reply(type: string, statuses: string[], data: JsonSchema): JsonSchema;
  /** An error reply of `type` with one of `codes`. */
  error(type: string, codes: ErrorCode[]): JsonSchema;
  /** Requests this dialect never answers (neither reply nor error). */
  unanswered?(type: string): boolean;
}

const errorData: JsonSchema = {
  type: 'object',
  required: ['message'],
  properties: { message: { type: 'string' } },
  additionalProperties: true,
  description: '`{message, ...details}`: `VersionConflict` adds `version`, `ValidationError` adds `issues: [{path, message}]`.',
};

/** The server's own framing: `{type, data, eid, ts?}` in, `{type, eid, ts, status, data, error}` out. */
export const SEATS_DIALECT: SocketDialect = {
  id: 'seats',
  title: 'Seats Sync socket',
  description: `One WebSocket per client, asking for the subprotocol \`${OWN_SUBPROTOCOL}\`; text frames of JSON only. The session is the HttpOnly \`seats_session\` cookie read when the socket opens.`,
  address: '/ws',
  subprotocol: OWN_SUBPROTOCOL,
  request: (type, data) => ({
    type: 'object',
    required: ['type', 'eid', 'data'],
    properties: { type: { const: type }, eid: { type: 'string', minLength: 1, maxLength: 128 }, data, ts: { type: 'number' } },
  }),
  reply: (type, statuses, data) => ({
    type: 'object',
    required: ['type', 'eid', 'ts', 'status', 'data', 'error'],
    properties: {
      type: { const: type },
      eid: { type: 'string', description: "The request's eid (pushes carry the subscribe request's)." },
      ts: { type: 'number' },
      status: { enum: statuses },
      data,
      error: { type: 'null' },
    },
  }),
  error: (type, codes) => ({
    type: 'object',
    required: ['type', 'eid', 'ts', 'status', 'data', 'error'],
    properties: { type: { const: type }, eid: { type: 'string' }, ts: { type: 'number' }, status: { const: 'error' }, data: errorData, error: { enum: codes } },
  }),
};

/** Errors any message may answer with, before or around its handler. */
export const ENVELOPE_ERRORS: ErrorCode[] = ['InvalidJson', 'ValidationError', 'UnknownMessageType', 'MessageTooLarge', 'BinaryNotSupported', 'RateLimitExceeded', 'ServiceUnavailable', 'InternalServerError'];

/**
 * The original web client's dialect (original-dialect.ts): a socket that names no
 * subprotocol. Same envelope; in its data a seat status is `VACANT` or `RESERVED` and counts
 * are `{VACANT, RESERVED}`, a cinemas update is one cinema per push, the user has no role,
 * errors carry `data: null`, and unsubscribes get no answer.
 */
export const ORIGINAL_CLIENT_DIALECT: SocketDialect = {
  id: 'original',
  title: 'Original web client dialect',
  description: 'The same endpoint for a socket that names no subprotocol: the dialect of the original Seats Sync web client. docs/protocol.md ("Dialects") lists every difference; the text frame `1` is answered `1`.',
  address: '/ws',
  request: SEATS_DIALECT.request,
  reply: (type, statuses, data) => {
    let translated = toOriginalData(data);
    // One push per cinema instead of one array of them.
    if (type === 'cinemas.subscribe' && statuses.length === 1 && statuses[0] === 'update' && translated.type === 'array') translated = translated.items as JsonSchema;
    if (type === 'user.subscribe') translated = withoutProperty(translated, 'role');
    return SEATS_DIALECT.reply(type, statuses, translated);
  },
  error: (type, codes) => ({
    type: 'object',
    required: ['type', 'eid', 'ts', 'status', 'data', 'error'],
    properties: { type: { const: type }, eid: { type: 'string' }, ts: { type: 'number' }, status: { const: 'error' }, data: { type: 'null' }, error: { enum: codes } },
  }),
  unanswered: (type) => type.endsWith('.unsubscribe'),
};

/** Every status a seat has in our dialect (sent), and the ones a seat change may ask for. */
const OUR_STATUSES = [JSON.stringify(['VACANT', 'OCCUPIED', 'MAINTENANCE', 'HELD']), JSON.stringify(['VACANT', 'OCCUPIED', 'MAINTENANCE'])];

/** A data schema as the original dialect sends it: RESERVED for OCCUPIED, MAINTENANCE and HELD, in statuses and counts. */
function toOriginalData(schema: unknown): JsonSchema {
  if (Array.isArray(schema)) return schema.map(toOriginalData) as unknown as JsonSchema;
  if (typeof schema !== 'object' || schema === null) return schema as JsonSchema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) out[key] = toOriginalData(value);
  if (OUR_STATUSES.includes(JSON.stringify(out.enum))) out.enum = ['VACANT', 'RESERVED'];
  const properties = out.properties as Record<string, JsonSchema> | undefined;
  if (properties && 'OCCUPIED' in properties && 'MAINTENANCE' in properties) {
    out.properties = { VACANT: properties.VACANT, RESERVED: properties.OCCUPIED };
    out.required = ['VACANT', 'RESERVED'];
  }
  return out;
}

function withoutProperty(schema: JsonSchema, name: string): JsonSchema {
  if (Array.isArray(schema.anyOf) || Array.isArray(schema.oneOf)) {
    const key = Array.isArray(schema.anyOf) ? 'anyOf' : 'oneOf';
    return { ...schema, [key]: (schema[key] as JsonSchema[]).map((s) => withoutProperty(s, name)) };
  }
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (!properties || !(name in properties)) return schema;
  const { [name]: _dropped, ...rest } = properties;
  return { ...schema, properties: rest, required: (schema.required as string[] | undefined)?.filter((r) => r !== name) };
}

function errorsOf(message: MessageDescriptor): ErrorCode[] {
  // `reader` messages need a session only while PUBLIC_READ is off.
  const access: ErrorCode[] = message.access === 'public' ? [] : message.access === 'reader' ? ['Unauthorized'] : ['Unauthorized', 'Forbidden'];
  return [...new Set([...message.errors, ...access, ...ENVELOPE_ERRORS])];
}

/** A zod schema as JSON Schema draft 7 (AsyncAPI 3.0's schema format is a superset of it). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

export interface AsyncApiInfo {
  version: string;
  description: string;
}

export function renderAsyncApi(messages: readonly MessageDescriptor[], info: AsyncApiInfo, dialects: readonly SocketDialect[] = [SEATS_DIALECT]): object {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const sorted = [...messages].sort((a, b) => a.type.localeCompare(b.type));
  for (const dialect of dialects) {
    const channelMessages: Record<string, unknown> = {};
    const channelRef = { $ref: `#/channels/${dialect.id}` };
    const messageRef = (key: string) => ({ $ref: `#/channels/${dialect.id}/messages/${key}` });
    for (const message of sorted) {
      const key = message.type;
      const replyStatuses = message.pushes ? ['snapshot', 'success'] : ['success'];
      channelMessages[`${key}.request`] = {
        name: key,
        title: `${key} request`,
        summary: message.description,
        payload: dialect.request(message.type, jsonSchema(message.data, 'input')),
      };
      const answered = !dialect.unanswered?.(message.type);
      if (answered) {
        channelMessages[`${key}.reply`] = {
          name: `${key}.reply`,
          title: `${key} reply`,
          payload: dialect.reply(message.type, replyStatuses, jsonSchema(message.reply, 'output')),
        };
        channelMessages[`${key}.error`] = {
          name: `${key}.error`,
          title: `${key} error`,
          payload: dialect.error(message.type, errorsOf(message)),
        };
      }
      operations[`${dialect.id}.${key}`] = {
        action: 'receive',
        channel: channelRef,
        title: key,
        summary: message.description,
        description: `Who: ${message.access}.${answered ? '' : ' Never answered in this dialect.'}`,
        messages: [messageRef(`${key}.request`)],
        ...(answered ? { reply: { channel: channelRef, messages: [messageRef(`${key}.reply`), messageRef(`${key}.error`)] } } : {}),
      };
      for (const [status, schema] of Object.entries(message.pushes ?? {}) as [PushStatus, z.ZodType][]) {
        channelMessages[`${key}.${status}`] = {
          name: `${key}.${status}`,
          title: `${key} ${status} push`,
          payload: dialect.reply(message.type, [status], jsonSchema(schema, 'output')),
        };
        operations[`${dialect.id}.${key}.${status}`] = {
          action: 'send',
          channel: channelRef,
          title: `${key} ${status} push`,
          summary: `Pushed to a ${key} subscription after its reply, under the subscribe request's eid.`,
          messages: [messageRef(`${key}.${status}`)],
        };
      }
    }
    channels[dialect.id] = {
      address: dialect.address,
      title: dialect.title,
      description: dialect.description,
      messages: channelMessages,
      ...(dialect.subprotocol
        ? { bindings: { ws: { bindingVersion: '0.1.0', headers: { type: 'object', properties: { 'Sec-WebSocket-Protocol': { const: dialect.subprotocol } } } } } }
        : {}),
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Seats Sync socket protocol',
      version: info.version,
      description: info.description,
    },
    defaultContentType: 'application/json',
    servers: { local: { host: 'localhost:3000', protocol: 'ws', description: 'A server started with `npm start` (use `wss` over TLS).' } },
    channels,
    operations,
    components: {
      schemas: { ErrorCode: { enum: Object.keys(ERROR_CODES), description: 'Every code; see docs/protocol.md for their meaning.' } },
    },
  };
}
