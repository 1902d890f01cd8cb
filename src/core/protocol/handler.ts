// A socket message: its descriptor (the contract: request schema, reply schema, push
// schemas, the role it needs, the errors it may answer with) and the function that does
// the work. The router, docs/protocol.md, docs/asyncapi.yaml, the pages' types and the
// tests' reply checks all read the same descriptor.
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

/** Statuses of the frames a subscription pushes after its reply. */
export type PushStatus = 'update' | 'snapshot';

export interface MessageDescriptor<
  T extends string = string,
  S extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  type: T;
  description: string;
  access: Access;
  /** The request's `data`. */
  data: S;
  /** The `data` of a successful reply (status `success`, or `snapshot` for subscriptions). */
  reply: R;
  /** Subscriptions only: the `data` of each push status, sent under the request's type and eid. */
  pushes?: Partial<Record<PushStatus, z.ZodType>>;
  /** Errors beyond the envelope ones every message may return. */
  errors: ErrorCode[];
}

/** Keeps the literal type name and the schemas' types, for the pages' derived types. */
export function defineMessage<const T extends string, S extends z.ZodType, R extends z.ZodType>(
  descriptor: MessageDescriptor<T, S, R>,
): MessageDescriptor<T, S, R> {
  return descriptor;
}

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

export interface MessageHandler extends MessageDescriptor {
  handle(context: HandlerContext, data: unknown): Promise<unknown> | unknown;
}

/** A descriptor with the function that answers it; `data` is what the schema parsed. */
export function handleMessage<S extends z.ZodType>(
  descriptor: MessageDescriptor<string, S>,
  handle: (context: HandlerContext, data: z.output<S>) => Promise<unknown> | unknown,
): MessageHandler {
  return { ...descriptor, handle: handle as MessageHandler['handle'] };
}
