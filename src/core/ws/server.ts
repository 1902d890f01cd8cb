// The WebSocket endpoint: upgrade checks (path, Origin, connection caps, session cookie),
// per-connection limits (frame size, binary frames, message rate), heartbeat, and a
// graceful close of every socket on shutdown.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Config } from '../config.js';
import { isDatabaseUnavailable, type OutageReporter } from '../db/unavailable.js';
import { CLOSE_CODES } from '../errors.js';
import { clientIp, compileTrustProxy, type TrustProxy } from '../http/client-ip.js';
import { isOriginAllowed, requestScheme } from '../http/origin.js';
import type { Logger } from '../logger.js';
import type { Metrics, UpgradeRefusal } from '../metrics.js';
import { OWN_DIALECT, OWN_SUBPROTOCOL } from '../protocol/dialect.js';
import { ORIGINAL_DIALECT } from '../protocol/original-dialect.js';
import type { ProtocolRouter } from '../protocol/router.js';
import type { Session } from '../session.js';
import { browserKeyOf, newBrowserId } from './browser-id.js';
import { Connection } from './connection.js';
import type { Connections } from './connections.js';

export interface WsServerOptions {
  config: Pick<Config, 'ws' | 'allowedOrigins' | 'publicUrl' | 'trustProxy'>;
  router: ProtocolRouter;
  logger: Logger;
  metrics: Metrics;
  outages: OutageReporter;
  /** Where open connections are registered (shared with the modules that look them up). */
  connections: Connections;
  /** Reads the session cookie of the upgrade request; null for a guest. */
  authenticate(request: IncomingMessage): Promise<Session | null>;
  path?: string;
}

/** How often the heartbeat wakes to ping its share of the sockets. */
const HEARTBEAT_TICK_MS = 100;

/** ws itself closes (1009) above this; up to it we answer MessageTooLarge first. */
const HARD_PAYLOAD_FACTOR = 4;

export class WsServer {
  private readonly connections: Connections;
  private readonly perIp = new Map<string, number>();
  private readonly wss: WebSocketServer;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly heartbeatTickMs: number;
  /** Where the heartbeat's walk over the connections stands. */
  private heartbeatWalk: Iterator<Connection> = [].values();
  private heartbeatWalkDone = true;
  /** When the current walk began: the next one begins a full interval later, whatever the count. */
  private heartbeatWalkStartedAt = -Infinity;
  private accepting = true;
  private readonly trustProxy: TrustProxy;
  private readonly newBrowserCookies = new WeakMap<IncomingMessage, string>();

  constructor(private readonly options: WsServerOptions) {
    this.connections = options.connections;
    this.trustProxy = compileTrustProxy(options.config.trustProxy);
    const { ws } = options.config;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: ws.maxPayloadBytes * HARD_PAYLOAD_FACTOR,
      perMessageDeflate: ws.perMessageDeflate,
      clientTracking: false,
      // Our own clients ask for our subprotocol; a socket asking for none speaks the
      // original client's dialect. Anything else is answered without a subprotocol,
      // which a browser treats as a failed handshake.
      handleProtocols: (protocols) => (protocols.has(OWN_SUBPROTOCOL) ? OWN_SUBPROTOCOL : false),
    });
    // A browser's first socket gives it the cookie that later logins find it by.
    this.wss.on('headers', (headers, request) => {
      const cookie = this.newBrowserCookies.get(request);
      if (cookie) headers.push(`Set-Cookie: ${cookie}`);
    });
    // One timer for all sockets, not one per socket, pinging a slice of them per tick:
    // pinging 20,000 sockets in one turn blocks the event loop for a second, which every
    // push waiting behind it would pay (measured as the p99 of scenario 2).
    this.heartbeatTickMs = Math.min(HEARTBEAT_TICK_MS, ws.pingIntervalMs);
    this.heartbeat = setInterval(() => this.beat(), this.heartbeatTickMs);
    this.heartbeat.unref();
  }

  /** Serves upgrades of `server` on the endpoint path. Several servers may be attached. */
  attach(server: Server): void {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      void this.handleUpgrade(request, socket, head);
    });
  }

  private async handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const { config, logger } = this.options;
    // Node's HTTP server stops listening for errors on an upgraded socket, and `ws` starts
    // only in handleUpgrade: a client resetting the connection in between (while the
    // session is checked) would raise an error no one handles, which ends the process.
    const guard = (error: Error) => {
      if (logger.isDebugEnabled()) logger.debug('upgrade socket error', { error: error.message });
      socket.destroy();
    };
    socket.on('error', guard);
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== (this.options.path ?? '/ws')) return this.refuse(socket, 'not_found', 404, 'Not Found');
    if (!this.accepting) return this.refuse(socket, 'shutting_down', 503, 'Service Unavailable');
    if (!isOriginAllowed(request, config, this.trustProxy)) {
      logger.warn('websocket origin refused', { origin: request.headers.origin });
      return this.refuse(socket, 'origin', 403, 'Forbidden');
    }
    let session: Session | null;
    try {
      session = await this.options.authenticate(request);
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        this.options.outages.report(error, logger);
        return this.refuse(socket, 'database_unavailable', 503, 'Service Unavailable');
      }
      logger.error('websocket authentication failed', { error: error instanceof Error ? error.message : String(error) });
      return this.refuse(socket, 'auth_error', 500, 'Internal Server Error');
    }
    if (socket.destroyed) return;
    const browser = this.browserOf(request);
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      // From here the WebSocket listens for the socket's errors.
      socket.off('error', guard);
      this.accept(ws, socket, request, session, browser);
    });
  }

  private refuse(socket: Duplex, reason: UpgradeRefusal, status: number, text: string): void {
    this.options.metrics.upgradesRefused.inc({ reason });
    rejectUpgrade(socket, status, text);
  }

  /** The browser's key from its cookie; a browser without one gets one with this handshake. */
  private browserOf(request: IncomingMessage): string {
    const secure = requestScheme(request, this.trustProxy) === 'https';
    const known = browserKeyOf(request, secure);
    if (known !== null) return known;
    const created = newBrowserId(secure);
    this.newBrowserCookies.set(request, created.setCookie);
    return created.key;
  }

  private accept(socket: WebSocket, transport: Duplex, request: IncomingMessage, session: Session | null, browser: string): void {
    const { ws: limits } = this.options.config;
    const ip = clientIp(request, this.trustProxy);
    // Caps are enforced after the handshake so the client gets a readable close code
    // (1013 "try again later") instead of a bare HTTP error it cannot see in a browser.
    const ipCount = this.perIp.get(ip) ?? 0;
    if (!this.accepting || this.connections.size >= limits.maxConnections || ipCount >= limits.maxConnectionsPerIp) {
      this.options.metrics.upgradesRefused.inc({ reason: this.accepting ? 'capacity' : 'shutting_down' });
      socket.close(CLOSE_CODES.tryAgainLater.code, this.accepting ? 'too many connections' : 'shutting down');
      return;
    }
    // `ws` writes its frames to the same stream; a compressing socket's frames are its own.
    const direct = socket.extensions === '' ? transport : null;
    const { metrics } = this.options;
    const dialect = socket.protocol === OWN_SUBPROTOCOL ? OWN_DIALECT : ORIGINAL_DIALECT;
    const connection = new Connection(randomUUID(), socket, ip, session, limits, this.options.logger, direct, metrics, dialect, browser);
    this.connections.add(connection);
    this.perIp.set(ip, ipCount + 1);
    // The kind at connect time: a later login or logout does not move it between kinds.
    const kind = session ? 'user' : 'guest';
    metrics.connections.inc({ kind });
    if (this.options.logger.isDebugEnabled()) connection.logger.debug('connection opened', { user: session?.username });

    socket.on('pong', () => {
      connection.missedPongs = 0;
    });
    socket.on('message', (data: RawData, isBinary: boolean) => this.receive(connection, data, isBinary));
    socket.on('error', (error) => connection.logger.debug('socket error', { error: error.message }));
    socket.on('close', () => {
      this.connections.delete(connection);
      const left = (this.perIp.get(ip) ?? 1) - 1;
      if (left > 0) this.perIp.set(ip, left);
      else this.perIp.delete(ip);
      connection.releaseAll();
      metrics.connections.dec({ kind });
      if (this.options.logger.isDebugEnabled()) connection.logger.debug('connection closed');
    });
  }

  private receive(connection: Connection, data: RawData, isBinary: boolean): void {
    const { ws: limits } = this.options.config;
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
    if (isBinary) {
      return this.strike(connection, 'BinaryNotSupported', 'binary frames are not supported', CLOSE_CODES.unsupportedData.code);
    }
    if (size > limits.maxPayloadBytes) {
      return this.strike(connection, 'MessageTooLarge', `frame of ${size} bytes is over the ${limits.maxPayloadBytes} byte limit`, CLOSE_CODES.tooLarge.code);
    }
    const overRate = this.overRate(connection);
    if (overRate === 'close') return connection.close(CLOSE_CODES.rateLimited.code, 'rate limit exceeded');
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8');
    if (overRate === 'refuse') {
      const limit = this.options.config.ws.messagesPerSecond;
      const retryAfterMs = Math.max(0, connection.rateWindowStart + 1_000 - Date.now());
      return this.options.router.refuse(connection, text, 'RateLimitExceeded', { message: `more than ${limit} messages per second`, retry_after_ms: retryAfterMs });
    }
    void this.options.router.dispatch(connection, text);
  }

  /**
   * Fixed one-second window. Every request over the limit is answered RateLimitExceeded
   * (none vanishes unanswered); past twice the limit the socket is closed (4029), which
   * bounds the work a flooding client can cause.
   */
  private overRate(connection: Connection): 'close' | 'refuse' | undefined {
    const now = Date.now();
    if (now - connection.rateWindowStart >= 1_000) {
      connection.rateWindowStart = now;
      connection.rateWindowCount = 0;
    }
    connection.rateWindowCount++;
    const limit = this.options.config.ws.messagesPerSecond;
    if (connection.rateWindowCount <= limit) return undefined;
    return connection.rateWindowCount > 2 * limit ? 'close' : 'refuse';
  }

  private strike(connection: Connection, code: 'BinaryNotSupported' | 'MessageTooLarge', message: string, closeCode: number): void {
    connection.strikes++;
    if (connection.strikes > 1) {
      connection.close(closeCode, message);
      return;
    }
    connection.send(connection.dialect.error('error', '', code, { message }));
  }

  /**
   * Visits every connection once per ping interval, a share of them per tick. A walk over
   * the connections begins once per interval (by the clock, not when the previous walk
   * ends), so each socket is pinged once per interval whether it is alone or one of
   * thousands, and a silent one is dropped at the third ping, two intervals after the
   * first it missed.
   */
  private beat(): void {
    const { pingIntervalMs } = this.options.config.ws;
    const now = Date.now();
    if (this.heartbeatWalkDone) {
      if (now - this.heartbeatWalkStartedAt < pingIntervalMs) return;
      // A Set iterates in insertion order and tolerates deletes and adds meanwhile.
      this.heartbeatWalk = this.connections.values();
      this.heartbeatWalkDone = false;
      this.heartbeatWalkStartedAt = now;
    }
    const share = Math.ceil((this.connections.size * this.heartbeatTickMs) / pingIntervalMs);
    for (let visited = 0; visited < share; visited++) {
      const next = this.heartbeatWalk.next();
      if (next.done) {
        this.heartbeatWalkDone = true;
        return;
      }
      const connection = next.value;
      if (connection.missedPongs >= 2) {
        connection.logger.debug('peer missed two pings');
        connection.socket.terminate();
        continue;
      }
      connection.missedPongs++;
      connection.socket.ping();
    }
  }

  /**
   * Stops accepting, closes every socket with 1001 after its queued pushes, and waits
   * for them (terminating stragglers at the deadline).
   */
  async close(timeoutMs: number): Promise<void> {
    this.accepting = false;
    clearInterval(this.heartbeat);
    const closed = [...this.connections].map(
      (connection) =>
        new Promise<void>((resolve) => {
          if (connection.socket.readyState === connection.socket.CLOSED) return resolve();
          connection.socket.once('close', () => resolve());
          connection.close(CLOSE_CODES.goingAway.code, 'server shutting down', timeoutMs);
        }),
    );
    await Promise.all(closed);
    this.wss.close();
  }
}

/** Answers and closes the connection: destroyed once written, not left half-open. */
function rejectUpgrade(socket: Duplex, status: number, text: string): void {
  if (socket.destroyed) return;
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
