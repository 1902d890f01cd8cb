// The heartbeat pings every socket once per interval, a share per tick: pinging all of
// them in one turn would block the event loop (and every push behind it) for as long as
// that takes, about a second at 20,000 sockets.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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
