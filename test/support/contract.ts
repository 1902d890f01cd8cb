// Checks every frame a test client receives against the message descriptors: a reply's
// data against the message's reply schema, a push against its push schema, an error
// against the error table. The test client calls it on every frame, so no test can
// forget it, and a reply that drifts from its documented shape fails the test that saw it.
import { z } from 'zod';
import { ERROR_CODES } from '../../src/core/errors.js';
import type { MessageDescriptor } from '../../src/core/protocol/handler.js';
import { MESSAGES, ROUTES } from '../../src/handlers.js';

const byType = new Map<string, MessageDescriptor>(MESSAGES.map((message) => [message.type, message]));

const frameSchema = z.strictObject({
  type: z.string(),
  eid: z.string(),
  ts: z.number(),
  status: z.enum(['success', 'error', 'snapshot', 'update']),
  data: z.unknown(),
  error: z.string().nullable(),
});

const routesByPath = new Map(ROUTES.map((route) => [route.path, route]));

const errorDataSchema = z.looseObject({ message: z.string() });

export interface CheckedFrame {
  type: string;
  eid: string;
  status: string;
  data: unknown;
  error: string | null;
}

/** Why `frame` breaks the contract, or null. `isReply`: it answers a request this client sent. */
export function contractViolation(raw: unknown, isReply: boolean): string | null {
  const envelope = frameSchema.safeParse(raw);
  if (!envelope.success) return `frame envelope: ${z.prettifyError(envelope.error)}`;
  const frame = envelope.data;
  if (frame.status === 'error') {
    if (frame.error === null || !(frame.error in ERROR_CODES)) return `error frame with unknown code ${frame.error}`;
    const data = errorDataSchema.safeParse(frame.data);
    return data.success ? null : `error data of ${frame.type}: ${z.prettifyError(data.error)}`;
  }
  if (frame.error !== null) return `${frame.status} frame of ${frame.type} carries error ${frame.error}`;
  const message = byType.get(frame.type);
  if (!message) return `${frame.status} frame of undocumented type ${frame.type}`;
  const schema = isReply && frame.status !== 'update' ? message.reply : message.pushes?.[frame.status as 'update' | 'snapshot'];
  if (!schema) return `${frame.type} has no documented ${isReply ? 'reply' : `${frame.status} push`}`;
  const data = schema.safeParse(frame.data);
  if (data.success) return null;
  return `${frame.type} ${isReply ? 'reply' : `${frame.status} push`} does not match its schema: ${z.prettifyError(data.error)}\n${JSON.stringify(frame.data).slice(0, 500)}`;
}

const httpBodySchema = z.strictObject({ data: z.unknown(), status: z.enum(['success', 'error']), error: z.string().nullable() });

/** Throws unless an HTTP reply matches its route's reply schema, or is an error of the table with its HTTP status. */
export function assertHttpContract(path: string, httpStatus: number, raw: unknown): void {
  const body = httpBodySchema.safeParse(raw);
  if (!body.success) throw new Error(`contract violation: HTTP body of ${path}: ${z.prettifyError(body.error)}`);
  const { data, status, error } = body.data;
  if (status === 'error') {
    const code = ERROR_CODES[error as keyof typeof ERROR_CODES];
    if (!code) throw new Error(`contract violation: ${path} answered unknown error ${error}`);
    if (code.http !== httpStatus) throw new Error(`contract violation: ${path} answered ${error} with HTTP ${httpStatus}, not ${code.http}`);
    if (!errorDataSchema.safeParse(data).success) throw new Error(`contract violation: ${path} error data has no message`);
    return;
  }
  const route = routesByPath.get(path);
  if (!route) throw new Error(`contract violation: success from undocumented route ${path}`);
  const parsed = route.reply.safeParse(data);
  if (!parsed.success) throw new Error(`contract violation: ${path} reply does not match its schema: ${z.prettifyError(parsed.error)}`);
}

/** Follows one socket: which frames answer a request it sent, and whether each frame keeps the contract. */
export class SocketContract {
  /** `type eid` of requests sent whose reply has not come yet. */
  private readonly awaitingReply = new Set<string>();

  sent(text: string): void {
    try {
      const { type, eid } = JSON.parse(text) as { type?: unknown; eid?: unknown };
      if (typeof type === 'string' && typeof eid === 'string') this.awaitingReply.add(`${type} ${eid}`);
    } catch {
      // not JSON: the server answers with type "error", never a reply to check
    }
  }

  /** Why the frame breaks the contract, or null. */
  received(frame: { type?: unknown; eid?: unknown; status?: unknown }): string | null {
    const isReply = frame.status !== 'update' && this.awaitingReply.delete(`${String(frame.type)} ${String(frame.eid)}`);
    return contractViolation(frame, isReply);
  }
}
