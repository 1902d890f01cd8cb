// A message handler: its zod schema (validation, types and docs from one source), the role
// it needs, the errors it may answer with, and the function that does the work.
import type { z } from 'zod';
import type { ErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Connection } from '../ws/connection.js';
import type { Session } from '../session.js';

/**
 * - `public`: anyone, logged in or not.
 * - `reader`: anyone while PUBLIC_READ is on (lobby screens), else a session.
 * - `viewer` | `staff` | `admin`: a session with at least this role.
 */
export type Access = 'public' | 'reader' | 'viewer' | 'staff' | 'admin';

export interface HandlerContext {
  connection: Connection;
  session: Session | null;
  /** The request's eid; subscriptions tag their pushes with it. */
  eid: string;
  type: string;
  logger: Logger;
}

/**
 * What a handler may return instead of plain data: a reply with another status
 * (`snapshot`), and work to run right after the reply is written (a subscription's first
 * pushes must follow its reply, never precede it).
 */
export class HandlerReply {
  constructor(
    readonly status: 'success' | 'snapshot',
    readonly data: unknown,
    readonly afterReply?: () => void,
  ) {}
}

/**
 * A reply built at the moment it is written. Between a handler's return and the write
 * there are microtask turns in which a push can go out; a subscription that decides its
 * snapshot, registers and sends its first pushes inside `build` does all of it in one
 * synchronous step, so no version can fall between them.
 */
export class DeferredReply {
  constructor(readonly build: () => HandlerReply) {}
}

export interface MessageHandler<S extends z.ZodType = z.ZodType> {
  type: string;
  description: string;
  access: Access;
  data: S;
  /** Shape of the reply's `data` (and of pushes, for subscriptions), for docs/protocol.md. */
  reply: string;
  /** Errors beyond the envelope ones every handler may return. */
  errors: ErrorCode[];
  handle(context: HandlerContext, data: z.output<S>): Promise<unknown> | unknown;
}

/** Keeps the schema's output type tied to the handle() argument. */
export function defineHandler<S extends z.ZodType>(handler: MessageHandler<S>): MessageHandler {
  return handler as unknown as MessageHandler;
}
