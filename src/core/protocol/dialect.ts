// A dialect is how one connection's frames look on the wire. The server thinks in one
// shape (ours, `seats-sync.v1`); a socket that asks for no subprotocol speaks the dialect
// of the original Seats Sync web client (original-dialect.ts), which cannot be changed.
// Translation happens here, at the edge, for replies and pushes alike: handlers and
// services never know which dialect a socket speaks.
import type { ErrorCode } from '../errors.js';
import { encodePushBody, encodeReply, RawJson, type ReplyStatus } from './envelope.js';

/** The WebSocket subprotocol our own pages, test and bench clients ask for. */
export const OWN_SUBPROTOCOL = 'seats-sync.v1';

export interface Dialect {
  /** Small and dense: pushes keep one serialised body per dialect, indexed by it. */
  readonly index: number;
  readonly name: string;
  /** A reply, or null when this dialect sends none for that request. */
  reply(type: string, eid: string, status: 'success' | 'snapshot', data: unknown): string | null;
  /** An error reply, or null when this dialect sends none for that request. */
  error(type: string, eid: string, code: ErrorCode, details: Record<string, unknown>): string | null;
  /** Push bodies without their eid tail (see encodePushBody): one frame each. */
  pushBodies(type: string, status: ReplyStatus, data: unknown): Buffer[];
  /** The answer to a heartbeat frame, or null when `text` is not one. */
  heartbeat(text: string): string | null;
}

export const OWN_DIALECT: Dialect = {
  index: 0,
  name: OWN_SUBPROTOCOL,
  reply: (type, eid, status, data) => encodeReply(type, eid, status, data),
  error: (type, eid, code, details) => encodeReply(type, eid, 'error', details, code),
  pushBodies: (type, status, data) => [encodePushBody(type, status, data)],
  heartbeat: () => null,
};

/** Plain data from data that may be pre-serialised JSON (a cached snapshot). */
export function plain(data: unknown): unknown {
  return data instanceof RawJson ? JSON.parse(data.json) : data;
}

/**
 * One push to every subscriber of a topic: serialised at most once per dialect, on first
 * need, however many sockets of that dialect receive it (and resumes re-send the same bytes).
 */
export class Push {
  private readonly bodies: (Buffer[] | undefined)[] = [];

  constructor(
    readonly type: string,
    readonly status: ReplyStatus,
    private readonly data: unknown,
  ) {}

  bodiesFor(dialect: Dialect): Buffer[] {
    let bodies = this.bodies[dialect.index];
    if (bodies === undefined) {
      bodies = dialect.pushBodies(this.type, this.status, this.data);
      this.bodies[dialect.index] = bodies;
    }
    return bodies;
  }
}
