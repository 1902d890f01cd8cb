// Fan-out to the subscribers of one topic (a hall, the cinema list, a user).
// The push is serialised once per topic and dialect into Buffers and the same bytes go
// to every socket of that dialect; only the subscriber's pre-encoded eid tail differs.
// Subscribers that share an eid (every original-dialect client subscribes with the same
// one, and so do the screens of one kind) share one tail, and for them the whole frame is
// built once per push and written to each socket as a single buffer: one plain write per
// socket, as cheap as broadcasting a pre-serialised frame gets.
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

/** One eid's encoded tail, shared by the subscribers that use that eid. */
interface SharedTail {
  tail: Buffer;
  refs: number;
}

export class Topic {
  readonly subscribers = new Set<Subscriber>();
  private readonly tails = new Map<string, SharedTail>();

  constructor(
    readonly name: string,
    /** Message type echoed in pushes: the subscribe request's type. */
    readonly type: string,
  ) {}

  get size(): number {
    return this.subscribers.size;
  }

  add(connection: Connection, eid: string): Subscriber {
    let shared = this.tails.get(eid);
    if (!shared) {
      shared = { tail: encodeEidTail(eid), refs: 0 };
      this.tails.set(eid, shared);
    }
    shared.refs++;
    const subscriber: Subscriber = { connection, eid, eidTail: shared.tail };
    this.subscribers.add(subscriber);
    return subscriber;
  }

  delete(subscriber: Subscriber): void {
    if (!this.subscribers.delete(subscriber)) return;
    const shared = this.tails.get(subscriber.eid);
    if (shared && --shared.refs === 0) this.tails.delete(subscriber.eid);
  }

  /** Serialises `data` once per dialect in use; returns the push so callers can keep it (history ring). */
  publish(status: ReplyStatus, data: unknown): Push {
    const push = new Push(this.type, status, data);
    this.publishPush(push);
    return push;
  }

  publishPush(push: Push): void {
    // Whole frames for tails several subscribers share, built on first use in this push.
    const frames = new SharedFrames();
    // Bodies and tails of one length share a frame header; eids of one client library
    // mostly have one length, and most sockets speak one dialect.
    let lastBody: Buffer | undefined;
    let tailLength = -1;
    let header: Buffer | undefined;
    for (const subscriber of this.subscribers) {
      const connection = subscriber.connection;
      const tail = subscriber.eidTail;
      const shared = (this.tails.get(subscriber.eid)?.refs ?? 1) > 1;
      const bodies = push.bodiesFor(connection.dialect);
      for (let i = 0; i < bodies.length; i++) {
        const body = bodies[i]!;
        if (shared) {
          connection.sendFrame(frames.get(body, tail), body.length + tail.length);
          continue;
        }
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

/** Complete frames (header, body, tail) of one push, one per body and shared tail. */
class SharedFrames {
  private body: Buffer | undefined;
  private byTail = new Map<Buffer, Buffer>();
  private readonly others = new Map<Buffer, Map<Buffer, Buffer>>();

  get(body: Buffer, tail: Buffer): Buffer {
    if (body !== this.body) {
      // A second dialect's body: keep each body's frames apart.
      if (this.body !== undefined) this.others.set(this.body, this.byTail);
      this.body = body;
      this.byTail = this.others.get(body) ?? new Map();
    }
    let frame = this.byTail.get(tail);
    if (frame === undefined) {
      const length = body.length + tail.length;
      frame = Buffer.concat([textFrameHeader(length), body, tail]);
      this.byTail.set(tail, frame);
    }
    return frame;
  }
}
