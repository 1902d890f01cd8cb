// One client socket: its session, its subscriptions, and the limits that protect the
// server from it (message rate, slow reading). Sends never block on a slow peer: a peer
// that lets too much pile up is closed with 4008 and may resume with since_version.
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { AppError, CLOSE_CODES } from '../errors.js';
import type { Logger } from '../logger.js';
import { topicKind, type Metrics } from '../metrics.js';
import { OWN_DIALECT, type Dialect } from '../protocol/dialect.js';
import type { Session } from '../session.js';
import { textFrameHeader } from './frame.js';

/** A subscription held by a connection, released on unsubscribe or disconnect. */
export interface SubscriptionHandle {
  /** e.g. `hall:12`, `cinemas`, `user` */
  topic: string;
  release(): void;
}

export interface ConnectionLimits {
  maxBufferedBytes: number;
  /** Each subscription costs memory and a copy of every push: bounded per connection. */
  maxSubscriptions: number;
}

export class Connection {
  session: Session | null;
  /** Missed pongs since the last one; the heartbeat terminates the socket at 2. */
  missedPongs = 0;
  /** Strikes for oversized or binary frames; the second one closes the socket. */
  strikes = 0;
  rateWindowStart = 0;
  rateWindowCount = 0;
  /** Keyed by the subscribe request's eid. */
  readonly subscriptions = new Map<string, SubscriptionHandle>();
  private closing = false;
  private childLogger: Logger | undefined;

  constructor(
    readonly id: string,
    readonly socket: WebSocket,
    readonly ip: string,
    session: Session | null,
    private readonly limits: ConnectionLimits,
    private readonly baseLogger: Logger,
    /**
     * The TCP (or TLS) socket under `socket`, for pushes written without a copy; null when
     * the socket compresses (permessage-deflate), whose frames only `ws` can build.
     */
    private readonly transport: Duplex | null,
    private readonly metrics: Pick<Metrics, 'traffic' | 'subscriptions'>,
    /** How this socket's frames look on the wire, chosen by its subprotocol (dialect.ts). */
    readonly dialect: Dialect = OWN_DIALECT,
    /**
     * SHA-256 of this browser's `seats_browser` cookie, or null: an HTTP login from the same
     * browser upgrades this socket in place (browser-id.ts).
     */
    readonly browser: string | null = null,
  ) {
    this.session = session;
  }

  /** Made on first use: most connections never log, and a child logger per socket costs memory. */
  get logger(): Logger {
    this.childLogger ??= this.baseLogger.child({ connection: this.id, ip: this.ip });
    return this.childLogger;
  }

  get isOpen(): boolean {
    return !this.closing && this.socket.readyState === this.socket.OPEN;
  }

  /** A reply or error in this socket's dialect; null means the dialect sends none. */
  send(frame: string | Buffer | null): void {
    if (frame === null) return;
    if (!this.mayWrite()) return;
    // Pushes are Buffers; `ws` would send those as binary frames, which browsers hand
    // over as Blobs. The protocol is text JSON, so say so explicitly.
    this.socket.send(frame, { binary: false });
    this.metrics.traffic.bytesSent += typeof frame === 'string' ? Buffer.byteLength(frame) : frame.length;
  }

  /**
   * A push shared by every subscriber (`body`) plus this subscription's eid tail, as one
   * text frame. The three parts are written corked, so they leave in one writev and no
   * per-socket frame is built: the push path is hot (10,000 sockets per change), and a
   * Buffer.concat per socket was its main cost over raw ws. `header` is the frame header
   * for body + tail, shared by the caller across sockets whose tails have that length.
   * Safe beside `ws`'s own writes: each of its frames is written synchronously and whole,
   * and with compression off its send queue is never used.
   */
  sendPush(body: Buffer, eidTail: Buffer, header?: Buffer): void {
    if (!this.mayWrite()) return;
    // Plain integer adds, not prom-client calls: this runs once per socket per push.
    const traffic = this.metrics.traffic;
    traffic.pushes++;
    traffic.bytesSent += body.length + eidTail.length;
    const transport = this.transport;
    if (transport === null) {
      this.socket.send(Buffer.concat([body, eidTail], body.length + eidTail.length), { binary: false });
      return;
    }
    transport.cork();
    transport.write(header ?? textFrameHeader(body.length + eidTail.length));
    transport.write(body);
    transport.write(eidTail);
    transport.uncork();
  }

  /**
   * A whole push frame (header included) built once and shared by every socket whose
   * subscription has the same eid: one plain write, no cork and no per-socket parts.
   * `payloadLength` is the frame's body + tail, for the traffic counter and for a
   * compressing socket, which gets the payload through `ws`.
   */
  sendFrame(frame: Buffer, payloadLength: number): void {
    if (!this.mayWrite()) return;
    const traffic = this.metrics.traffic;
    traffic.pushes++;
    traffic.bytesSent += payloadLength;
    const transport = this.transport;
    if (transport === null) {
      this.socket.send(frame.subarray(frame.length - payloadLength), { binary: false });
      return;
    }
    transport.write(frame);
  }

  /** Open and not over its send buffer: a peer that lets too much pile up is cut (4008). */
  private mayWrite(): boolean {
    if (!this.isOpen) return false;
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) {
      this.metrics.traffic.slowConsumerCloses++;
      this.close(CLOSE_CODES.slowConsumer.code, 'slow consumer');
      return false;
    }
    return true;
  }

  /** Throws TooManySubscriptions before changing anything, so callers claim the slot first. */
  addSubscription(eid: string, handle: SubscriptionHandle): void {
    const previous = this.subscriptions.get(eid);
    if (!previous && this.subscriptions.size >= this.limits.maxSubscriptions) {
      throw new AppError('TooManySubscriptions', `at most ${this.limits.maxSubscriptions} subscriptions per connection`);
    }
    // The reference client re-sends a subscribe with the same eid after a reconnect;
    // on the same connection that replaces the old subscription instead of doubling it.
    previous?.release();
    if (previous) this.metrics.subscriptions.dec({ topic: topicKind(previous.topic) });
    this.subscriptions.set(eid, handle);
    this.metrics.subscriptions.inc({ topic: topicKind(handle.topic) });
  }

  removeSubscription(eid: string): boolean {
    const handle = this.subscriptions.get(eid);
    if (!handle) return false;
    handle.release();
    this.subscriptions.delete(eid);
    this.metrics.subscriptions.dec({ topic: topicKind(handle.topic) });
    return true;
  }

  /** Releases every subscription to `topic`; returns how many there were. */
  removeTopic(topic: string): number {
    let removed = 0;
    for (const [eid, handle] of this.subscriptions) {
      if (handle.topic === topic) {
        handle.release();
        this.subscriptions.delete(eid);
        removed++;
      }
    }
    if (removed > 0) this.metrics.subscriptions.dec({ topic: topicKind(topic) }, removed);
    return removed;
  }

  releaseAll(): void {
    for (const handle of this.subscriptions.values()) {
      handle.release();
      this.metrics.subscriptions.dec({ topic: topicKind(handle.topic) });
    }
    this.subscriptions.clear();
  }

  /**
   * Close politely (the close frame follows data already queued, so pending pushes are
   * flushed), and terminate if the peer does not finish the handshake in time.
   */
  close(code: number, reason: string, graceMs = 2_000): void {
    if (this.closing) return;
    this.closing = true;
    if (this.baseLogger.isDebugEnabled()) this.logger.debug('closing connection', { closeCode: code, reason });
    this.socket.close(code, reason);
    setTimeout(() => this.socket.terminate(), graceMs).unref();
  }
}
