// A raw protocol client for tests: send any frame (valid or not), await replies by eid,
// and collect pushes per subscription eid. Deliberately thin, so tests see the wire.
// Every frame received is checked against the message descriptors (contract.ts): a
// frame that breaks the contract fails every wait of this client and its close().
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { SocketContract } from './contract.js';
import { OWN_SUBPROTOCOL } from '../../src/core/protocol/dialect.js';

export interface Frame {
  type: string;
  eid: string;
  ts: number;
  status: 'success' | 'error' | 'snapshot' | 'update';
  data: any;
  error: string | null;
}

export class TestClient {
  readonly frames: Frame[] = [];
  /** Set-Cookie headers of the handshake response (the browser id, browser-id.ts). */
  upgradeSetCookies: string[] = [];
  closeCode: number | undefined;
  private waiters: { predicate: (frame: Frame) => boolean; resolve: (frame: Frame) => void; reject: (error: Error) => void }[] = [];
  /**
   * Our dialect's contract; null for the original client's dialect, whose frames follow
   * that client's shapes (test/compat checks them).
   */
  private readonly contract: SocketContract | null;
  /** The first frame that broke the contract. */
  private violation: Error | undefined;
  readonly closed: Promise<number>;

  private constructor(readonly socket: WebSocket, checked: boolean) {
    this.contract = checked ? new SocketContract() : null;
    socket.on('message', (data, isBinary) => {
      if (isBinary) throw new Error('the server sent a binary frame; the protocol is text JSON');
      const frame = JSON.parse(data.toString()) as Frame;
      this.frames.push(frame);
      this.check(frame);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.predicate(frame)) return true;
        waiter.resolve(frame);
        return false;
      });
    });
    this.closed = new Promise((resolve) => socket.on('close', (code) => resolve((this.closeCode = code))));
  }

  /**
   * Speaks our own dialect (subprotocol seats-sync.v1) unless `dialect: 'original'`, which
   * names no subprotocol, as the original web client does.
   */
  static connect(url: string, options: { cookie?: string; origin?: string; dialect?: 'own' | 'original' } = {}): Promise<TestClient> {
    const headers: Record<string, string> = {};
    if (options.cookie) headers.cookie = options.cookie;
    const protocols = options.dialect === 'original' ? [] : [OWN_SUBPROTOCOL];
    const socket = new WebSocket(url, protocols, { headers, ...(options.origin ? { origin: options.origin } : {}) });
    let setCookies: string[] = [];
    socket.once('upgrade', (response) => (setCookies = response.headers['set-cookie'] ?? []));
    return new Promise((resolve, reject) => {
      socket.once('open', () => {
        const client = new TestClient(socket, options.dialect !== 'original');
        client.upgradeSetCookies = setCookies;
        resolve(client);
      });
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)));
    });
  }

  sendRaw(data: string | Buffer, binary = false): void {
    if (!binary) this.contract?.sent(data.toString());
    this.socket.send(data, { binary });
  }

  /** Sends a request and resolves with the reply carrying its eid. */
  request(type: string, data: unknown = null, eid: string = randomUUID()): Promise<Frame> {
    // Only frames after this send: a re-used eid (resubscribe) has older replies.
    const after = this.frames.length;
    const reply = this.waitFor(
      (frame) => frame.eid === eid && frame.type === type && frame.status !== 'update' && this.frames.indexOf(frame) >= after,
      `reply to ${type}`,
    );
    const frame = JSON.stringify({ type, data, eid, ts: Date.now() });
    this.contract?.sent(frame);
    this.socket.send(frame);
    return reply;
  }

  /** Like request, but throws unless the reply succeeded; returns its data. */
  async call(type: string, data: unknown = null, eid?: string): Promise<any> {
    const reply = await this.request(type, data, eid);
    if (reply.status === 'error') throw new Error(`${type} failed: ${reply.error} ${JSON.stringify(reply.data)}`);
    return reply.data;
  }

  pushes(eid: string, status?: Frame['status']): Frame[] {
    return this.frames.filter((f) => f.eid === eid && (f.status === 'update' || f.status === 'snapshot') && (!status || f.status === status) && !this.isReply(f));
  }

  waitFor(predicate: (frame: Frame) => boolean, what = 'frame', timeoutMs = 5_000): Promise<Frame> {
    if (this.violation) return Promise.reject(this.violation);
    const seen = this.frames.find((frame) => predicate(frame));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      this.waiters.push({
        predicate,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  }

  /** Waits until a hall subscription has seen `version`. */
  waitForVersion(eid: string, version: number, timeoutMs = 5_000): Promise<Frame> {
    return this.waitFor((f) => f.eid === eid && f.status === 'update' && f.data?.version >= version, `version ${version}`, timeoutMs);
  }

  async close(): Promise<number> {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.close();
    const code = await this.closed;
    if (this.violation) throw this.violation;
    return code;
  }

  private check(frame: Frame): void {
    const violation = this.contract?.received(frame);
    if (!violation || this.violation) return;
    this.violation = new Error(`contract violation: ${violation}`);
    for (const waiter of this.waiters) waiter.reject(this.violation);
    this.waiters = [];
  }

  private isReply(frame: Frame): boolean {
    // The first frame for an eid is the reply to the request that created it.
    return this.frames.find((f) => f.eid === frame.eid) === frame && frame.status !== 'update';
  }
}
