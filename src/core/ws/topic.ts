// Fan-out to the subscribers of one topic (a hall, the cinema list, a user).
// The push is serialised once per topic into a Buffer and the same bytes go to every
// socket; only the subscriber's pre-encoded eid tail differs. This is the hot path:
// no per-subscriber JSON, closures or database reads here.
import type { ReplyStatus } from '../protocol/envelope.js';
import { encodeEidTail, encodePushBody } from '../protocol/envelope.js';
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

  /** Serialises `data` once; returns the body so callers can keep it (history ring). */
  publish(status: ReplyStatus, data: unknown): Buffer {
    const body = encodePushBody(this.type, status, data);
    this.publishBody(body);
    return body;
  }

  publishBody(body: Buffer): void {
    // Tails of one length share a frame header; eids of one client library mostly have one length.
    let tailLength = -1;
    let header: Buffer | undefined;
    for (const subscriber of this.subscribers) {
      const tail = subscriber.eidTail;
      if (tail.length !== tailLength) {
        tailLength = tail.length;
        header = textFrameHeader(body.length + tailLength);
      }
      subscriber.connection.sendPush(body, tail, header);
    }
  }
}
