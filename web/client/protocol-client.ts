// The one protocol client of the pages and the browser tests: request/reply by eid,
// subscriptions with push callbacks, reconnect with backoff, and hall resume by version.
// It runs in the browser and in Node (pass `ws`'s WebSocket), so it touches no DOM.
import type {
  Cinema,
  CinemasUpdate,
  ErrorCode,
  ErrorData,
  Frame,
  Hall,
  HallUpdate,
  RequestMap,
  RequestType,
  Schedule,
  ScheduleUpdate,
  SnapshotReason,
  UserStatus,
} from './protocol-types.js';

export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}
export type SocketConstructor = new (url: string, protocols: string[]) => SocketLike;

/** Our own dialect (src/core/protocol/dialect.ts); a socket asking for none speaks the original client's. */
const SUBPROTOCOL = 'seats-sync.v1';

const OPEN = 1;

export class ProtocolError extends Error {
  override name = 'ProtocolError';
  constructor(
    readonly code: ErrorCode,
    readonly data: ErrorData = {},
  ) {
    super(data.message ?? code);
  }
}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';
export interface ConnectionStatus {
  state: ConnectionState;
  /** When the last frame arrived (ms since epoch), for "last update hh:mm:ss". */
  lastMessageAt: number | null;
}

export interface ProtocolClientOptions {
  url: string;
  /** Defaults to globalThis.WebSocket; Node tests pass `ws`'s. */
  WebSocket?: SocketConstructor;
  /** Reconnect backoff: doubles from min to max, each delay jittered down by up to half. */
  reconnectDelayMs?: { min: number; max: number };
  requestTimeoutMs?: number;
}

export interface Subscription {
  unsubscribe(): void;
}

export interface HallListener {
  /** `reason` is set on snapshots pushed after the first: a rollover to another seat map, or an admin change. */
  snapshot(hall: Hall, reason?: SnapshotReason): void;
  update(update: HallUpdate): void;
  error?(error: ProtocolError): void;
}
export interface CinemasListener {
  snapshot(cinemas: Cinema[]): void;
  update(update: CinemasUpdate): void;
  error?(error: ProtocolError): void;
}
export interface ScheduleListener {
  snapshot(schedule: Schedule): void;
  update(update: ScheduleUpdate): void;
  error?(error: ProtocolError): void;
}
export interface UserListener {
  status(status: UserStatus): void;
  error?(error: ProtocolError): void;
}

interface Pending {
  resolve(data: unknown): void;
  reject(error: ProtocolError): void;
  timer: ReturnType<typeof setTimeout>;
  /** The frame, kept until it is on a socket; null once sent. */
  frame: string | null;
}

/** A subscription as the connection sees it: what to (re)send, and where its frames go. */
interface SubscriptionRecord {
  readonly eid: string;
  readonly type: 'hall.subscribe' | 'showing.subscribe' | 'cinemas.subscribe' | 'schedule.subscribe' | 'user.subscribe';
  readonly unsubscribeType: 'hall.unsubscribe' | 'showing.unsubscribe' | 'cinemas.unsubscribe' | 'schedule.unsubscribe' | 'user.unsubscribe';
  /** The subscribe data for the next (re)send: a hall resumes from its last version. */
  request(): unknown;
  receive(frame: Frame): void;
}

export class ProtocolClient {
  private socket: SocketLike | null = null;
  private readonly pending = new Map<string, Pending>();
  private readonly subscriptions = new Map<string, SubscriptionRecord>();
  private readonly statusListeners = new Set<(status: ConnectionStatus) => void>();
  private status: ConnectionStatus = { state: 'closed', lastMessageAt: null };
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private nextEid = 0;
  // eids only need to be unique per connection; the prefix keeps logs of several tabs apart.
  private readonly eidPrefix = Math.random().toString(36).slice(2, 8);
  private readonly Socket: SocketConstructor;
  private readonly delay: { min: number; max: number };
  private readonly timeoutMs: number;

  constructor(private readonly options: ProtocolClientOptions) {
    const Socket = options.WebSocket ?? (globalThis.WebSocket as SocketConstructor | undefined);
    if (!Socket) throw new Error('no WebSocket implementation: pass options.WebSocket');
    this.Socket = Socket;
    this.delay = options.reconnectDelayMs ?? { min: 500, max: 10_000 };
    this.timeoutMs = options.requestTimeoutMs ?? 15_000;
  }

  get connection(): ConnectionStatus {
    return this.status;
  }

  /** Opens the socket; it then stays open, reconnecting, until close(). */
  connect(): void {
    if (this.socket || this.retryTimer) return;
    this.open('connecting');
  }

  /** Drops the socket and opens a new one at once, e.g. after login so the new cookie applies. */
  reconnect(): void {
    this.clearRetry();
    this.drop();
    this.open('connecting');
  }

  close(): void {
    this.clearRetry();
    this.drop();
    for (const eid of this.pending.keys()) this.settle(eid, new ProtocolError('ConnectionLost', { message: 'the client was closed' }));
    this.setStatus('closed');
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    this.statusListeners.add(listener);
    listener(this.status);
    return () => this.statusListeners.delete(listener);
  }

  /**
   * Sends a request and resolves with the reply's data, or rejects with a ProtocolError.
   * While disconnected the request waits for the next socket; a request already sent when
   * the socket drops rejects with ConnectionLost, since it may or may not have been applied.
   */
  request<K extends RequestType>(type: K, data: RequestMap[K][0]): Promise<RequestMap[K][1]> {
    const eid = this.eid();
    const frame = JSON.stringify({ type, data, eid, ts: Date.now() });
    return new Promise<RequestMap[K][1]>((resolve, reject) => {
      const timer = setTimeout(() => this.settle(eid, new ProtocolError('Timeout', { message: `no reply to ${type}` })), this.timeoutMs);
      const entry: Pending = { resolve: (d) => resolve(d as RequestMap[K][1]), reject, timer, frame };
      this.pending.set(eid, entry);
      if (this.socket?.readyState === OPEN) this.sendPending(entry);
    });
  }

  /** The hall's current seat map, which follows its schedule (a `rollover` snapshot at each boundary). */
  subscribeHall(id: number, listener: HallListener): Subscription {
    return this.subscribe(new HallSubscription(this.eid(), 'hall', id, listener, (record) => this.resend(record)));
  }

  /** One showing's seat map, whether or not it is its hall's current one. */
  subscribeShowing(id: number, listener: HallListener): Subscription {
    return this.subscribe(new HallSubscription(this.eid(), 'showing', id, listener, (record) => this.resend(record)));
  }

  /** A cinema's coming showings of the day, for lobby boards. */
  subscribeSchedule(cinemaId: number, listener: ScheduleListener): Subscription {
    return this.subscribe({
      eid: this.eid(),
      type: 'schedule.subscribe',
      unsubscribeType: 'schedule.unsubscribe',
      request: () => ({ cinema_id: cinemaId }),
      receive(frame) {
        if (frame.status === 'error') listener.error?.(errorOf(frame));
        else if (frame.status === 'snapshot') listener.snapshot(frame.data as Schedule);
        else if (frame.status === 'update') listener.update(frame.data as ScheduleUpdate);
      },
    });
  }

  subscribeCinemas(listener: CinemasListener): Subscription {
    return this.subscribe({
      eid: this.eid(),
      type: 'cinemas.subscribe',
      unsubscribeType: 'cinemas.unsubscribe',
      request: () => null,
      receive(frame) {
        if (frame.status === 'error') listener.error?.(errorOf(frame));
        else if (frame.status === 'snapshot') listener.snapshot(frame.data as Cinema[]);
        else if (frame.status === 'update') listener.update(frame.data as CinemasUpdate);
      },
    });
  }

  subscribeUser(listener: UserListener): Subscription {
    return this.subscribe({
      eid: this.eid(),
      type: 'user.subscribe',
      unsubscribeType: 'user.unsubscribe',
      request: () => null,
      receive(frame) {
        if (frame.status === 'error') listener.error?.(errorOf(frame));
        else listener.status(frame.data as UserStatus);
      },
    });
  }

  private subscribe(record: SubscriptionRecord): Subscription {
    this.subscriptions.set(record.eid, record);
    this.resend(record);
    return {
      unsubscribe: () => {
        if (!this.subscriptions.delete(record.eid)) return;
        if (this.socket?.readyState !== OPEN) return; // a new socket will simply not resubscribe
        this.request(record.unsubscribeType, { sub_eid: record.eid }).catch(() => undefined);
      },
    };
  }

  /** (Re)sends a subscribe with its original eid; the server replaces the old one on the same socket. */
  private resend(record: SubscriptionRecord): void {
    if (this.socket?.readyState !== OPEN) return; // sent on open
    this.socket.send(JSON.stringify({ type: record.type, data: record.request(), eid: record.eid, ts: Date.now() }));
  }

  private open(state: 'connecting' | 'reconnecting'): void {
    this.setStatus(state);
    const socket = new this.Socket(this.options.url, [SUBPROTOCOL]);
    this.socket = socket;
    // Events of a socket we have already dropped must not touch the current one.
    socket.addEventListener('open', () => {
      if (this.socket !== socket) return;
      this.attempt = 0;
      this.setStatus('open');
      for (const record of this.subscriptions.values()) this.resend(record);
      for (const entry of this.pending.values()) if (entry.frame !== null) this.sendPending(entry);
    });
    socket.addEventListener('message', (event) => {
      if (this.socket !== socket || typeof event.data !== 'string') return;
      this.status = { ...this.status, lastMessageAt: Date.now() };
      this.dispatch(event.data);
    });
    socket.addEventListener('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.failSent();
      this.scheduleRetry();
    });
    // 'error' is always followed by 'close', which does the work.
    socket.addEventListener('error', () => undefined);
  }

  private dispatch(text: string): void {
    let frame: Frame;
    try {
      frame = JSON.parse(text) as Frame;
    } catch {
      return; // the server only sends JSON; a broken frame carries nothing we could use
    }
    const entry = this.pending.get(frame.eid);
    if (entry) {
      this.settle(frame.eid, frame.status === 'error' ? errorOf(frame) : null, frame.data);
      return;
    }
    this.subscriptions.get(frame.eid)?.receive(frame);
  }

  private settle(eid: string, error: ProtocolError | null, data?: unknown): void {
    const entry = this.pending.get(eid);
    if (!entry) return;
    this.pending.delete(eid);
    clearTimeout(entry.timer);
    if (error) entry.reject(error);
    else entry.resolve(data);
  }

  private sendPending(entry: Pending): void {
    if (entry.frame === null || this.socket?.readyState !== OPEN) return;
    this.socket.send(entry.frame);
    entry.frame = null;
  }

  /** Requests already on a dropped socket can't be answered on the next one. */
  private failSent(): void {
    for (const [eid, entry] of this.pending) {
      if (entry.frame === null) this.settle(eid, new ProtocolError('ConnectionLost', { message: 'the connection dropped before the reply' }));
    }
  }

  private scheduleRetry(): void {
    this.setStatus('reconnecting');
    const base = Math.min(this.delay.max, this.delay.min * 2 ** this.attempt);
    this.attempt++;
    // Jitter so that every lobby screen of a restarted server does not come back at once.
    const wait = base * (0.5 + Math.random() / 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.open('reconnecting');
    }, wait);
  }

  private drop(): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    this.failSent();
    socket.close(1000, 'client closed');
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private setStatus(state: ConnectionState): void {
    if (this.status.state === state) return;
    this.status = { ...this.status, state };
    for (const listener of this.statusListeners) listener(this.status);
  }

  private eid(): string {
    return `${this.eidPrefix}-${++this.nextEid}`;
  }
}

/**
 * One hall's (or one showing's: the same protocol on the showing's own stream) subscription: remembers the last applied version and the database epoch it
 * belongs to, so that a reconnect, or a gap in the pushes, resumes with since_version and
 * the listener sees every version once, in order (or a snapshot, when the server's
 * database is another history than the one the versions came from).
 */
class HallSubscription implements SubscriptionRecord {
  readonly type: 'hall.subscribe' | 'showing.subscribe';
  readonly unsubscribeType: 'hall.unsubscribe' | 'showing.unsubscribe';
  private version: number | null = null;
  private epoch = '';
  /** The seat map the version belongs to: the hall's current showing, or null for its own. */
  private showingId: number | null = null;
  /** Set from a gap's resubscribe until its reply; pushes out of order meanwhile are dropped, the resume resends them. */
  private resuming = false;

  constructor(
    readonly eid: string,
    private readonly kind: 'hall' | 'showing',
    private readonly id: number,
    private readonly listener: HallListener,
    private readonly resend: (record: SubscriptionRecord) => void,
  ) {
    this.type = `${kind}.subscribe`;
    this.unsubscribeType = `${kind}.unsubscribe`;
  }

  request(): unknown {
    if (this.version === null) return { id: this.id };
    const resume = { id: this.id, since_version: this.version, epoch: this.epoch };
    // A showing's stream is always its own; a hall's may be any of its maps.
    return this.kind === 'hall' ? { ...resume, showing_id: this.showingId } : resume;
  }

  receive(frame: Frame): void {
    switch (frame.status) {
      case 'error':
        this.resuming = false;
        this.listener.error?.(errorOf(frame));
        return;
      case 'snapshot': {
        const hall = frame.data as Hall;
        this.resuming = false;
        this.version = hall.version;
        this.epoch = hall.epoch;
        this.showingId = hall.showing?.id ?? null;
        this.listener.snapshot(hall, (frame.data as { reason?: SnapshotReason }).reason);
        return;
      }
      case 'success': // {resumed: true}: the missed updates follow as pushes
        this.resuming = false;
        return;
      case 'update': {
        const update = frame.data as HallUpdate;
        // Before the snapshot, a duplicate, or (never expected) another seat map's.
        if (this.version === null || update.version <= this.version || (update.showing_id ?? null) !== this.showingId) return;
        if (update.version !== this.version + 1) {
          if (!this.resuming) {
            this.resuming = true;
            this.resend(this);
          }
          return;
        }
        this.version = update.version;
        this.listener.update(update);
      }
    }
  }
}

function errorOf(frame: Frame): ProtocolError {
  const data = typeof frame.data === 'object' && frame.data !== null ? (frame.data as ErrorData) : {};
  return new ProtocolError(frame.error ?? 'InternalServerError', data);
}
