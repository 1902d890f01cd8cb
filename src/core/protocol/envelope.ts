// The wire envelope, kept exactly as the Seats Sync reference client expects:
// request  {type, data, eid, ts?}
// reply    {type, eid, ts, status, data, error}
import { z } from 'zod';
import type { ErrorCode } from '../errors.js';

export const requestSchema = z.object({
  type: z.string().min(1).max(64),
  // The reference client sends `data: null` for requests without parameters.
  data: z.unknown().default(null),
  eid: z.string().min(1).max(128),
  ts: z.number().optional(),
});
export type Request = z.infer<typeof requestSchema>;

export type ReplyStatus = 'success' | 'error' | 'snapshot' | 'update';

export interface Reply {
  type: string;
  eid: string;
  ts: number;
  status: ReplyStatus;
  data: unknown;
  error: ErrorCode | null;
}

/**
 * JSON that is already serialised (a cached hall snapshot): spliced into the frame as is,
 * so a thousand displays reconnecting at once cost one JSON.stringify, not a thousand.
 */
export class RawJson {
  constructor(readonly json: string) {}
}

export function encodeReply(type: string, eid: string, status: ReplyStatus, data: unknown, error: ErrorCode | null = null): string {
  if (data instanceof RawJson) {
    const head = JSON.stringify({ type, eid, ts: Date.now(), status, error });
    return `${head.slice(0, -1)},"data":${data.json}}`;
  }
  const reply: Reply = { type, eid, ts: Date.now(), status, data: data ?? null, error };
  return JSON.stringify(reply);
}

/**
 * A push shared by every subscriber of a topic: everything but the `eid`, serialised once.
 * Each subscription keeps its own pre-encoded tail (`,"eid":"..."}`), so sending costs one
 * Buffer.concat per socket and no JSON work (the push path is hot: do not "simplify" this
 * into a JSON.stringify per subscriber).
 */
export function encodePushBody(type: string, status: ReplyStatus, data: unknown): Buffer {
  const json = data instanceof RawJson ? data.json : JSON.stringify(data ?? null);
  return Buffer.from(`{"type":${JSON.stringify(type)},"ts":${Date.now()},"status":"${status}","error":null,"data":${json}`, 'utf8');
}

export function encodeEidTail(eid: string): Buffer {
  return Buffer.from(`,"eid":${JSON.stringify(eid)}}`, 'utf8');
}
