// The WebSocket endpoint: upgrade checks (path, Origin, connection caps, session cookie),
// per-connection limits (frame size, binary frames, message rate), heartbeat, and a
// graceful close of every socket on shutdown.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Config } from '../config.js';
import { CLOSE_CODES } from '../errors.js';
import { clientIp, compileTrustProxy, type TrustProxy } from '../http/client-ip.js';
import { isOriginAllowed } from '../http/origin.js';
import type { Logger } from '../logger.js';
import { encodeReply } from '../protocol/envelope.js';
import type { ProtocolRouter } from '../protocol/router.js';
import type { Session } from '../session.js';
import { Connection } from './connection.js';
import type { Connections } from './connections.js';

export interface WsServerOptions {
  config: Pick<Config, 'ws' | 'allowedOrigins' | 'publicUrl' | 'trustProxy'>;
  router: ProtocolRouter;
  logger: Logger;
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
  /** Where the heartbeat's walk over the connections stands; a new walk starts when it ends. */
  private heartbeatWalk: Iterator<Connection> = [].values();
  private accepting = true;
  private readonly trustProxy: TrustProxy;

  constructor(private readonly options: WsServerOptions) {
    this.connections = options.connections;
    this.trustProxy = compileTrustProxy(options.config.trustProxy);
    const { ws } = options.config;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: ws.maxPayloadBytes * HARD_PAYLOAD_FACTOR,
      perMessageDeflate: ws.perMessageDeflate,
      clientTracking: false,
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
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== (this.options.path ?? '/ws')) return rejectUpgrade(socket, 404, 'Not Found');
    if (!this.accepting) return rejectUpgrade(socket, 503, 'Service Unavailable');
    if (!isOriginAllowed(request, config, this.trustProxy)) {
      logger.warn('websocket origin refused', { origin: request.headers.origin });
      return rejectUpgrade(socket, 403, 'Forbidden');
    }
    let session: Session | null;
    try {
      session = await this.options.authenticate(request);
    } catch (error) {
      logger.error('websocket authentication failed', { error: error instanceof Error ? error.message : String(error) });
      return rejectUpgrade(socket, 500, 'Internal Server Error');
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, socket, request, session));
  }

  private accept(socket: WebSocket, transport: Duplex, request: IncomingMessage, session: Session | null): void {
    const { ws: limits } = this.options.config;
    const ip = clientIp(request, this.trustProxy);
    // Caps are enforced after the handshake so the client gets a readable close code
    // (1013 "try again later") instead of a bare HTTP error it cannot see in a browser.
    const ipCount = this.perIp.get(ip) ?? 0;
    if (!this.accepting || this.connections.size >= limits.maxConnections || ipCount >= limits.maxConnectionsPerIp) {
      socket.close(CLOSE_CODES.tryAgainLater.code, this.accepting ? 'too many connections' : 'shutting down');
      return;
    }
    // `ws` writes its frames to the same stream; a compressing socket's frames are its own.
    const direct = socket.extensions === '' ? transport : null;
    const connection = new Connection(randomUUID(), socket, ip, session, limits, this.options.logger, direct);
    this.connections.add(connection);
    this.perIp.set(ip, ipCount + 1);
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
    if (!this.withinRate(connection)) return;
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8');
    void this.options.router.dispatch(connection, text);
  }

  /** Fixed one-second window: over the limit gets an error reply; twice the limit closes. */
  private withinRate(connection: Connection): boolean {
    const now = Date.now();
    if (now - connection.rateWindowStart >= 1_000) {
      connection.rateWindowStart = now;
      connection.rateWindowCount = 0;
    }
    connection.rateWindowCount++;
    const limit = this.options.config.ws.messagesPerSecond;
    if (connection.rateWindowCount <= limit) return true;
    if (connection.rateWindowCount === limit + 1) {
      connection.send(encodeReply('error', '', 'error', { message: `more than ${limit} messages per second` }, 'RateLimitExceeded'));
    } else if (connection.rateWindowCount > 2 * limit) {
      connection.close(CLOSE_CODES.rateLimited.code, 'rate limit exceeded');
    }
    return false;
  }

  private strike(connection: Connection, code: 'BinaryNotSupported' | 'MessageTooLarge', message: string, closeCode: number): void {
    connection.strikes++;
    if (connection.strikes > 1) {
      connection.close(closeCode, message);
      return;
    }
    connection.send(encodeReply('error', '', 'error', { message }, code));
  }

  /** Visits every connection once per ping interval, a share of them per tick. */
  private beat(): void {
    const share = Math.ceil((this.connections.size * this.heartbeatTickMs) / this.options.config.ws.pingIntervalMs);
    for (let visited = 0; visited < share; visited++) {
      let next = this.heartbeatWalk.next();
      if (next.done) {
        // A Set iterates in insertion order and tolerates deletes and adds meanwhile.
        this.heartbeatWalk = this.connections.values();
        // One walk per interval at most: starting a new one early would ping twice.
        if (visited > 0) return;
        next = this.heartbeatWalk.next();
        if (next.done) return;
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

function rejectUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
