// Transport behaviour: slow consumers are cut without slowing others, silent peers are
// dropped by the heartbeat, connection caps close clearly, deflate is opt-in.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { OWN_SUBPROTOCOL } from '../../../src/core/protocol/dialect.js';
import { userWithRole } from '../../support/auth.js';
import { firstHall, flipped } from '../../support/halls.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { TestClient } from '../../support/ws-client.js';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe('websocket transport', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      env: {
        WS_MAX_BUFFERED_BYTES: '262144',
        WS_MESSAGES_PER_SECOND: '1000',
        WS_PING_INTERVAL_MS: '200',
        WS_MAX_CONNECTIONS_PER_IP: '40',
        WS_MAX_SUBSCRIPTIONS: '3',
      },
    });
  });
  after(() => server.close());

  it('cuts a slow consumer with 4008 while a fast subscriber keeps its latency', async () => {
    const staff = await userWithRole(server.url, server.server.database.prisma, 'latency_staff', 'staff');
    const writer = await TestClient.connect(server.wsUrl, { cookie: staff.cookie });
    const hall = await firstHall(writer);
    const fast = await TestClient.connect(server.wsUrl);
    await fast.call('hall.subscribe', { id: hall.id }, 'fast');

    async function latencies(count: number): Promise<number[]> {
      const result: number[] = [];
      for (let i = 0; i < count; i++) {
        const seat = hall.seats[i]!;
        seat.status = flipped(seat.status);
        const sent = performance.now();
        const { version } = await writer.call('hall.update_seat_status', { hall_id: hall.id, seat_id: seat.id, status: seat.status });
        await fast.waitForVersion('fast', version);
        result.push(performance.now() - sent);
      }
      return result;
    }

    const unloaded = median(await latencies(15));

    // The slow consumer subscribes, stops reading, and asks for snapshots it never reads.
    const slow = await TestClient.connect(server.wsUrl);
    await slow.call('hall.subscribe', { id: hall.id }, 'slow');
    (slow.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    for (let i = 0; i < 200; i++) slow.sendRaw(JSON.stringify({ type: 'hall.get', data: { id: hall.id }, eid: `s${i}` }));

    const loaded = median(await latencies(15));
    await waitUntil(() => server.logs.text().includes('"closeCode":4008'), 10_000);
    assert.ok(loaded <= Math.max(2 * unloaded, unloaded + 10), `fast client median ${loaded.toFixed(1)} ms vs ${unloaded.toFixed(1)} ms unloaded`);
    (slow.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    const code = await slow.closed;
    assert.ok(code === 4008 || code === 1006, `slow consumer closed with ${code}`);
    await Promise.all([writer.close(), fast.close()]);
  });

  it('drops a peer that misses two pings', async () => {
    const silent = new WebSocket(server.wsUrl, [OWN_SUBPROTOCOL], { autoPong: false });
    const closed = new Promise<number>((resolve) => silent.on('close', (code) => resolve(code)));
    await new Promise((resolve) => silent.on('open', resolve));
    const started = Date.now();
    assert.equal(await closed, 1006, 'terminated without a close handshake');
    assert.ok(Date.now() - started < 2_000);
    // A peer that answers pings stays.
    const alive = await TestClient.connect(server.wsUrl);
    await new Promise((r) => setTimeout(r, 800));
    assert.ok(Array.isArray(await alive.call('cinemas.get_cinemas')));
    await alive.close();
  });

  it('closes connections over the per-address cap with 1013', async () => {
    const clients = await Promise.all(Array.from({ length: 40 }, () => TestClient.connect(server.wsUrl)));
    const extra = await TestClient.connect(server.wsUrl);
    assert.equal(await extra.closed, 1013);
    await Promise.all(clients.map((c) => c.close()));
    // Slots are released on close.
    await new Promise((r) => setTimeout(r, 100));
    const again = await TestClient.connect(server.wsUrl);
    assert.ok(Array.isArray(await again.call('cinemas.get_cinemas')));
    await again.close();
  });

  it('limits subscriptions per connection, counting a re-used eid once', async () => {
    const client = await TestClient.connect(server.wsUrl);
    const hallId = (await client.call('cinemas.get_cinemas'))[0].halls[0].id;
    for (const eid of ['a', 'b', 'c', 'c']) assert.equal((await client.request('hall.subscribe', { id: hallId }, eid)).status, 'snapshot');
    const fourth = await client.request('cinemas.subscribe', null, 'd');
    assert.equal(fourth.error, 'TooManySubscriptions');
    await client.call('hall.unsubscribe', { sub_eid: 'a' });
    assert.equal((await client.request('cinemas.subscribe', null, 'd')).status, 'snapshot');
    await client.close();
  });

  it('does not negotiate permessage-deflate unless enabled', async () => {
    const client = new WebSocket(server.wsUrl, [OWN_SUBPROTOCOL], { perMessageDeflate: true });
    await new Promise((resolve) => client.on('open', resolve));
    assert.equal(client.extensions, '');
    client.close();
  });
});

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
