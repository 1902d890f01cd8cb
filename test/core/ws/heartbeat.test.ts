// The heartbeat pings every socket once per interval, a share per tick: pinging all of
// them in one turn would block the event loop (and every push behind it) for as long as
// that takes, about a second at 20,000 sockets.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, beforeEach, describe, it, mock } from 'node:test';
import WebSocket from 'ws';
import { loadConfig } from '../../../src/core/config.js';
import { OutageReporter } from '../../../src/core/db/unavailable.js';
import { createMetrics } from '../../../src/core/metrics.js';
import { createLogger } from '../../../src/core/logger.js';
import { ProtocolRouter } from '../../../src/core/protocol/router.js';
import { Connections } from '../../../src/core/ws/connections.js';
import { WsServer } from '../../../src/core/ws/server.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { TestClient } from '../../support/ws-client.js';

const SOCKETS = 40;
const INTERVAL_MS = 1_000;

describe('heartbeat', () => {
  let server: TestServer;
  let clients: TestClient[];

  before(async () => {
    server = await startTestServer({ env: { WS_PING_INTERVAL_MS: String(INTERVAL_MS), WS_MAX_CONNECTIONS_PER_IP: String(SOCKETS + 5) } });
    clients = await Promise.all(Array.from({ length: SOCKETS }, () => TestClient.connect(server.wsUrl)));
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
  });

  it('pings every socket within an interval, spread over it rather than all at once', async () => {
    const pings: number[][] = clients.map(() => []);
    clients.forEach((client, i) => client.socket.on('ping', () => pings[i]!.push(performance.now())));
    await new Promise((resolve) => setTimeout(resolve, 2.5 * INTERVAL_MS));

    assert.ok(pings.every((times) => times.length >= 1), `sockets never pinged: ${pings.filter((t) => t.length === 0).length}`);
    // Each socket once per interval (2 or 3 in 2.5 intervals), not once per tick.
    assert.ok(pings.every((times) => times.length <= 3), `pings per socket: ${pings.map((t) => t.length).join(',')}`);
    const all = pings.flat().sort((a, b) => a - b);
    let busiest = 0;
    for (let i = 0, j = 0; i < all.length; i++) {
      while (all[i]! - all[j]! > 100) j++;
      busiest = Math.max(busiest, i - j + 1);
    }
    // A share per 100 ms tick is 4 sockets; all at once would be 40 in one window.
    assert.ok(busiest <= SOCKETS / 3, `${busiest} pings within 100 ms`);
  });

});

// The period and the drop of a silent peer, on a controlled clock (node:test mock timers
// drive the server's heartbeat timer and Date), with real sockets. A round trip through
// the server after the ticks is the barrier: pings written before the reply arrive before it.
describe('heartbeat period on a controlled clock', () => {
  const PERIOD_MS = 1_000;
  let http: Server;
  let ws: WsServer;
  let url: string;

  // A server per test: the heartbeat's state starts afresh.
  beforeEach(async () => {
    mock.timers.enable({ apis: ['setInterval', 'Date'] });
    const config = loadConfig({ NODE_ENV: 'test', WS_PING_INTERVAL_MS: String(PERIOD_MS) });
    const logger = createLogger({ log: { level: 'error', format: 'json' } });
    const metrics = createMetrics();
    const outages = new OutageReporter();
    ws = new WsServer({ config, logger, metrics, outages, connections: new Connections(), router: new ProtocolRouter({ handlers: [], publicRead: true, logger, metrics, outages }), authenticate: async () => null });
    http = createServer();
    ws.attach(http);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/ws`;
  });
  afterEach(async () => {
    mock.timers.reset();
    await ws.close(1_000);
    http.close();
  });

  /**
   * Runs the clock forward tick by tick; after each tick, a round trip on every open
   * socket lets pongs come back and pings arrive, as they would between real ticks.
   */
  async function advance(ms: number, sockets: WebSocket[]): Promise<void> {
    for (let t = 0; t < ms; t += 100) {
      mock.timers.tick(100);
      await Promise.all(sockets.filter((s) => s.readyState === WebSocket.OPEN).map(roundTrip));
    }
  }

  function roundTrip(socket: WebSocket): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        socket.off('message', done);
        socket.off('close', done);
        resolve();
      };
      socket.on('message', done);
      socket.on('close', done);
      socket.send(JSON.stringify({ type: 'barrier', data: null, eid: 'barrier' }));
    });
  }

  function open(options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
    const socket = new WebSocket(url, options);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(socket));
      socket.once('error', reject);
    });
  }

  function countPings(sockets: WebSocket[]): number[] {
    const counts = sockets.map(() => 0);
    sockets.forEach((socket, i) => socket.on('ping', () => counts[i]!++));
    return counts;
  }

  async function closeAll(sockets: WebSocket[]): Promise<void> {
    await Promise.all(sockets.map((s) => (s.readyState === WebSocket.CLOSED ? undefined : new Promise((resolve) => s.once('close', resolve).close()))));
  }

  for (const count of [1, 21]) {
    it(`pings each of ${count} socket(s) once per interval`, async () => {
      const sockets = await Promise.all(Array.from({ length: count }, () => open()));
      const pings = countPings(sockets);
      await advance(10 * PERIOD_MS, sockets);
      assert.ok(pings.every((n) => n >= 9 && n <= 11), `pings in 10 intervals: ${pings.join(',')}`);
      await closeAll(sockets);
    });
  }

  it('drops a silent peer after two missed pings, not before', async () => {
    const silent = await open({ autoPong: false });
    const pings = countPings([silent]);
    await advance(1.5 * PERIOD_MS, [silent]);
    assert.equal(silent.readyState, WebSocket.OPEN, `dropped within 1.5 intervals, after ${pings[0]} pings`);
    await advance(2 * PERIOD_MS, [silent]);
    assert.equal(silent.readyState, WebSocket.CLOSED, 'still open after 3.5 intervals');
    assert.ok(pings[0]! >= 2 && pings[0]! <= 3, `pings before the drop: ${pings[0]}`);
  });
});
