// Fan-out to the subscribers of one topic (a hall, the cinema list, a user).
// The push is serialised once per topic and dialect into Buffers and the same bytes go
// to every socket of that dialect; only the subscriber's pre-encoded eid tail differs.
// This is the hot path: no per-subscriber JSON, closures or database reads here.
import { Push } from '../protocol/dialect.js';
import type { ReplyStatus } from '../protocol/envelope.js';
import { encodeEidTail } from '../protocol/envelope.js';
import type { Connection } from './connection.js';
import { textFrameHeader } from './frame.js';

export interface Subscriber {
  connection: Connection;
  eid: string;
  eidTail: Buffer;
}

export class Topic {
  readonly subscribers = new Set<Subscriber>();

  constructor(
    readonly name: string,
    /** Message type echoed in pushes: the subscribe request's type. */
    readonly type: string,
  ) {}

  get size(): number {
    return this.subscribers.size;
  }

  add(connection: Connection, eid: string): Subscriber {
    const subscriber: Subscriber = { connection, eid, eidTail: encodeEidTail(eid) };
    this.subscribers.add(subscriber);
    return subscriber;
  }

  delete(subscriber: Subscriber): void {
    this.subscribers.delete(subscriber);
  }

  /** Serialises `data` once per dialect in use; returns the push so callers can keep it (history ring). */
  publish(status: ReplyStatus, data: unknown): Push {
    const push = new Push(this.type, status, data);
    this.publishPush(push);
    return push;
  }

  publishPush(push: Push): void {
    // Bodies and tails of one length share a frame header; eids of one client library
    // mostly have one length, and most sockets speak one dialect.
    let lastBody: Buffer | undefined;
    let tailLength = -1;
    let header: Buffer | undefined;
    for (const subscriber of this.subscribers) {
      const connection = subscriber.connection;
      const tail = subscriber.eidTail;
      const bodies = push.bodiesFor(connection.dialect);
      for (let i = 0; i < bodies.length; i++) {
        const body = bodies[i]!;
        if (body !== lastBody || tail.length !== tailLength) {
          lastBody = body;
          tailLength = tail.length;
          header = textFrameHeader(body.length + tailLength);
        }
        connection.sendPush(body, tail, header);
      }
    }
  }
}
