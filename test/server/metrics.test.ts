// /metrics after real traffic: sockets, subscriptions, a seat change pushed to a
// subscriber, a refused upgrade; and where the endpoint is exposed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createMetrics } from '../../src/core/metrics.js';
import { userWithRole } from '../support/auth.js';
import { firstHall, flipped } from '../support/halls.js';
import { freePort, startTestServer, type TestServer } from '../support/server.js';
import { TestClient } from '../support/ws-client.js';

/** The value of one sample, `name{labels}`, in Prometheus text format; 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = match[2] ? match[2].split(',') : [];
    if (wanted.every((pair) => present.includes(pair))) return Number(match[3]);
  }
  return 0;
}

async function scrape(url: string, token?: string): Promise<string> {
  const response = await fetch(`${url}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /text\/plain/);
  return response.text();
}

describe('metrics', () => {
  const token = 'a-metrics-token-on-the-public-port';
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { METRICS_TOKEN: token } });
  });
  after(() => server.close());

  it('counts connections, subscriptions, messages, commits, pushes and refused upgrades from real traffic', async () => {
    const staff = await userWithRole(server.url, server.server.database.prisma, 'metrics_staff', 'staff');
    assert.equal((await fetch(`${server.url}/metrics`)).status, 401, 'the public port requires the token when one is set');
    const before = await scrape(server.url, token);
    const display = await TestClient.connect(server.wsUrl);
    const writer = await TestClient.connect(server.wsUrl, { cookie: staff.cookie });
    const hall = await firstHall(display);
    await display.call('hall.subscribe', { id: hall.id }, 'sub');
    await assert.rejects(TestClient.connect(server.wsUrl, { origin: 'https://evil.example' }), /upgrade refused: 403/);
    const seat = hall.seats[0]!;
    const reply = await writer.call('hall.update_seat_status', { hall_id: hall.id, seat_id: seat.id, status: flipped(seat.status) });
    await display.waitForVersion('sub', reply.version);
    await display.request('no.such.type');

    const text = await scrape(server.url, token);
    const moved = (name: string, labels?: Record<string, string>) => sample(text, name, labels) - sample(before, name, labels);
    assert.equal(sample(text, 'seats_sync_connections', { kind: 'guest' }), 1);
    assert.equal(sample(text, 'seats_sync_connections', { kind: 'user' }), 1);
    assert.equal(sample(text, 'seats_sync_subscriptions', { topic: 'hall' }), 1);
    assert.equal(moved('seats_sync_upgrades_refused_total', { reason: 'origin' }), 1);
    assert.equal(moved('seats_sync_messages_total', { type: 'hall.subscribe', outcome: 'success' }), 1);
    assert.equal(moved('seats_sync_messages_total', { type: 'hall.update_seat_status', outcome: 'success' }), 1);
    assert.equal(moved('seats_sync_messages_total', { type: 'unknown', outcome: 'UnknownMessageType' }), 1);
    assert.equal(moved('seats_sync_commit_batch_changes_count'), 1);
    assert.equal(moved('seats_sync_commit_seconds_count'), 1);
    assert.ok(moved('seats_sync_commit_to_push_seconds_count') >= 1);
    assert.ok(moved('seats_sync_pushes_total') >= 1, 'the update pushed to the subscriber');
    assert.ok(moved('seats_sync_sent_bytes_total') > 0);
    assert.ok(sample(text, 'seats_sync_hall_store_halls') >= 1);
    // Present, not positive: prom-client resets the delay histogram at every scrape.
    assert.match(text, /^nodejs_eventloop_lag_p99_seconds \S+$/m, 'event-loop delay');
    assert.ok(sample(text, 'process_resident_memory_bytes') > 0, 'default process metrics');

    await display.close();
    await writer.close();
    // The close is seen by the server after the client's own close event: wait for the gauge.
    for (;;) {
      const after = await scrape(server.url, token);
      if (sample(after, 'seats_sync_connections', { kind: 'guest' }) === 0 && sample(after, 'seats_sync_subscriptions', { topic: 'hall' }) === 0) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
  });
});

describe('metrics exposure', () => {
  it('with METRICS_PORT serves /metrics only on that port, behind METRICS_TOKEN', async () => {
    const token = 'a-metrics-token-of-some-length';
    const server = await startTestServer({ env: { METRICS_PORT: String(await freePort()), METRICS_TOKEN: token } });
    try {
      const onPublic = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      assert.notEqual(onPublic.status, 200);
      assert.doesNotMatch(await onPublic.text(), /seats_sync_/);
      const metricsUrl = `http://127.0.0.1:${server.server.metricsPort}`;
      assert.equal((await fetch(`${metricsUrl}/metrics`)).status, 401);
      assert.equal((await fetch(`${metricsUrl}/metrics`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status, 401);
      assert.match(await scrape(metricsUrl, token), /seats_sync_connections/);
      assert.equal((await fetch(`${metricsUrl}/other`)).status, 404);
      assert.ok(!server.logs.text().includes(token), 'the token is never logged');
    } finally {
      await server.close();
    }
  });
});

describe('Grafana dashboard', () => {
  it('names only metrics the server exports', () => {
    const dashboard = readFileSync(new URL('../../docs/grafana-dashboard.json', import.meta.url), 'utf8');
    const { registry } = createMetrics();
    const names = new Set([...dashboard.matchAll(/\b(seats_sync_[a-z_]+|nodejs_[a-z0-9_]+|process_[a-z_]+)/g)].map((m) => m[1]!.replace(/_(bucket|sum|count)$/, '')));
    assert.ok(names.size > 10);
    for (const name of names) assert.ok(registry.getSingleMetric(name), `${name} is not exported`);
  });
});
