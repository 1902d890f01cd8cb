// The protocol client's own promises, against a tiny fake server that plays the protocol
// by hand: replies by eid, reconnect with the same eid and since_version, gap healing.
// The real server is exercised by the browser tests.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { WebSocket, WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { ProtocolClient, ProtocolError, type ConnectionState } from '../../web/client/protocol-client.js';
import type { Hall, HallUpdate } from '../../web/client/protocol-types.js';

interface Sent {
  type: string;
  data: Record<string, unknown> | null;
  eid: string;
}

/** A fake server that records every request and lets the test answer on the latest socket. */
class FakeServer {
  // While refusing, upgrades fail before the socket opens, as with a server that is down.
  readonly wss = new WebSocketServer({ port: 0, verifyClient: () => !this.refusing });
  readonly received: Sent[] = [];
  socket: ServerSocket | null = null;
  refusing = false;
  private waiters: (() => void)[] = [];

  constructor() {
    this.wss.on('connection', (socket) => {
      this.socket = socket;
      socket.on('message', (raw) => {
        this.received.push(JSON.parse(String(raw)) as Sent);
        this.wake();
      });
      this.wake();
    });
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}`;
  }

  send(eid: string, type: string, status: string, data: unknown, error: string | null = null): void {
    this.socket?.send(JSON.stringify({ type, eid, ts: Date.now(), status, data, error }));
  }

  /** Resolves once a request matching `predicate` has arrived (counting earlier ones). */
  async next(predicate: (sent: Sent) => boolean, from = 0): Promise<Sent> {
    for (;;) {
      const found = this.received.slice(from).find(predicate);
      if (found) return found;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  async connected(): Promise<ServerSocket> {
    while (!this.socket || this.socket.readyState !== WebSocket.OPEN) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.socket;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

const hall = (version: number): Hall => ({
  id: 7,
  cinema_id: 1,
  cinema_name: 'Aurora',
  name: 'Hall 1',
  rows: 1,
  places: 1,
  version,
  epoch: 'epoch-1',
  showing: null,
  seats: [],
  seat_types: [],
});
const update = (version: number): HallUpdate => ({ id: 7, showing_id: null, version, seats: [{ id: version, status: 'OCCUPIED', updated_at: '' }], seat_types: [] });

let server: FakeServer;
before(() => {
  server = new FakeServer();
});
after(() => new Promise<void>((resolve) => server.wss.close(() => resolve())));

function newClient(): ProtocolClient {
  const client = new ProtocolClient({ url: server.url, WebSocket, reconnectDelayMs: { min: 20, max: 40 }, requestTimeoutMs: 2_000 });
  client.connect();
  return client;
}

test('a reply resolves the request with the same eid; an error reply rejects with its code and data', async () => {
  const client = newClient();
  try {
    const ok = client.request('hall.get', { id: 7 });
    const failing = client.request('hall.update_seat_status', { hall_id: 7, seats: [], expected_version: 1 });
    const first = await server.next((s) => s.type === 'hall.get');
    const second = await server.next((s) => s.type === 'hall.update_seat_status');
    // Answer out of order: matching is by eid, not by arrival.
    server.send(second.eid, second.type, 'error', { message: 'moved on', version: 4 }, 'VersionConflict');
    server.send(first.eid, first.type, 'success', hall(3));
    assert.deepEqual(await ok, hall(3));
    await assert.rejects(failing, (error: unknown) => {
      assert.ok(error instanceof ProtocolError);
      assert.equal(error.code, 'VersionConflict');
      assert.equal(error.data.version, 4);
      return true;
    });
  } finally {
    client.close();
  }
});

test('after a drop it reconnects, resubscribes with the same eid and since_version, and reports its state', async () => {
  const client = newClient();
  const states: ConnectionState[] = [];
  client.onStatus((status) => states.push(status.state));
  const versions: number[] = [];
  try {
    client.subscribeHall(7, { snapshot: (h) => versions.push(h.version), update: (u) => versions.push(u.version) });
    const subscribe = await server.next((s) => s.type === 'hall.subscribe');
    assert.deepEqual(subscribe.data, { id: 7 });
    server.send(subscribe.eid, subscribe.type, 'snapshot', hall(3));
    server.send(subscribe.eid, subscribe.type, 'update', update(4));
    await waitFor(() => versions.length === 2);

    const seen = server.received.length;
    (await server.connected()).terminate();
    await waitFor(() => client.connection.state === 'reconnecting');
    assert.ok(client.connection.lastMessageAt !== null, 'the banner needs the time of the last update');

    const resubscribe = await server.next((s) => s.type === 'hall.subscribe', seen);
    assert.equal(resubscribe.eid, subscribe.eid);
    assert.deepEqual(resubscribe.data, { id: 7, since_version: 4, epoch: 'epoch-1', showing_id: null });
    server.send(resubscribe.eid, resubscribe.type, 'success', { id: 7, showing_id: null, version: 4, resumed: true });
    server.send(resubscribe.eid, resubscribe.type, 'update', update(5));
    await waitFor(() => versions.length === 3);
    assert.deepEqual(versions, [3, 4, 5]);
    assert.deepEqual(states, ['connecting', 'open', 'reconnecting', 'open']);
  } finally {
    client.close();
  }
});

test('a version gap resubscribes from the last applied version and delivers every version once, in order', async () => {
  const client = newClient();
  const versions: number[] = [];
  try {
    client.subscribeHall(7, { snapshot: (h) => versions.push(h.version), update: (u) => versions.push(u.version) });
    const subscribe = await server.next((s) => s.type === 'hall.subscribe', server.received.length);
    const seen = server.received.length;
    server.send(subscribe.eid, subscribe.type, 'snapshot', hall(10));
    server.send(subscribe.eid, subscribe.type, 'update', update(11));
    server.send(subscribe.eid, subscribe.type, 'update', update(13)); // 12 was lost
    server.send(subscribe.eid, subscribe.type, 'update', update(14)); // still out of order: no second resubscribe
    const resubscribe = await server.next((s) => s.type === 'hall.subscribe', seen);
    assert.equal(resubscribe.eid, subscribe.eid);
    assert.deepEqual(resubscribe.data, { id: 7, since_version: 11, epoch: 'epoch-1', showing_id: null });

    server.send(subscribe.eid, subscribe.type, 'success', { id: 7, showing_id: null, version: 11, resumed: true });
    for (const version of [12, 13, 14, 13]) server.send(subscribe.eid, subscribe.type, 'update', update(version));
    await waitFor(() => versions.length >= 5);
    await new Promise((resolve) => setTimeout(resolve, 50)); // room for a wrong extra delivery
    assert.deepEqual(versions, [10, 11, 12, 13, 14]);
    const resubscribes = server.received.slice(seen).filter((s) => s.type === 'hall.subscribe');
    assert.equal(resubscribes.length, 1, 'one resubscribe for the gap, not one per stray push');
  } finally {
    client.close();
  }
});

test("a showing's subscription resumes on its own stream, a pushed snapshot passes on its reason, and schedule frames reach their listener", async () => {
  const client = newClient();
  const seen: string[] = [];
  const boards: string[] = [];
  try {
    client.subscribeShowing(9, { snapshot: (h, reason) => seen.push(`snapshot ${h.version} ${reason ?? 'reply'}`), update: (u) => seen.push(`update ${u.version}`) });
    const subscribe = await server.next((s) => s.type === 'showing.subscribe', server.received.length);
    assert.deepEqual(subscribe.data, { id: 9 });
    const showingMap: Hall = { ...hall(2), showing: { id: 9, hall_id: 7, title: 'Film', starts_at: '2026-12-01T18:00:00.000Z', ends_at: '2026-12-01T20:00:00.000Z', status: 'scheduled' } };
    server.send(subscribe.eid, subscribe.type, 'snapshot', showingMap);
    server.send(subscribe.eid, subscribe.type, 'update', { ...update(3), showing_id: 9 });
    server.send(subscribe.eid, subscribe.type, 'snapshot', { ...showingMap, version: 3, reason: 'changed' });
    await waitFor(() => seen.length === 3);
    assert.deepEqual(seen, ['snapshot 2 reply', 'update 3', 'snapshot 3 changed']);

    const mark = server.received.length;
    (await server.connected()).terminate();
    const resubscribe = await server.next((s) => s.type === 'showing.subscribe', mark);
    assert.equal(resubscribe.eid, subscribe.eid);
    // A showing's stream is its own: no showing_id to name it by.
    assert.deepEqual(resubscribe.data, { id: 9, since_version: 3, epoch: 'epoch-1' });

    client.subscribeSchedule(1, { snapshot: (s) => boards.push(`snapshot ${s.showings.length}`), update: (u) => boards.push(`update ${u.showings[0]!.seats_left}`) });
    const schedule = await server.next((s) => s.type === 'schedule.subscribe', mark);
    assert.deepEqual(schedule.data, { cinema_id: 1 });
    server.send(schedule.eid, schedule.type, 'snapshot', { cinema_id: 1, cinema_name: 'Aurora', day: '2026-12-01', time_zone: 'UTC', now: '2026-12-01T12:00:00.000Z', showings: [] });
    server.send(schedule.eid, schedule.type, 'update', { cinema_id: 1, showings: [{ id: 9, version: 4, seats_left: 41 }] });
    await waitFor(() => boards.length === 2);
    assert.deepEqual(boards, ['snapshot 0', 'update 41']);
  } finally {
    client.close();
  }
});

test('a request in flight when the socket drops rejects with ConnectionLost; one made while down is sent after reconnect', async () => {
  const client = newClient();
  try {
    await server.connected();
    await waitFor(() => client.connection.state === 'open');
    const before = server.received.length;
    const inFlight = client.request('seat_type.list', null);
    const sent = await server.next((s) => s.type === 'seat_type.list', before);
    server.refusing = true;
    server.socket?.terminate();
    await assert.rejects(inFlight, (error: unknown) => error instanceof ProtocolError && error.code === 'ConnectionLost');

    await waitFor(() => client.connection.state === 'reconnecting');
    const seen = server.received.length;
    const later = client.request('cinemas.get_cinemas', null);
    await new Promise((resolve) => setTimeout(resolve, 100)); // several refused attempts
    assert.equal(server.received.length, seen, 'nothing is sent while down');
    server.refusing = false;
    const resent = await server.next((s) => s.type === 'cinemas.get_cinemas', seen);
    assert.notEqual(resent.eid, sent.eid);
    server.send(resent.eid, resent.type, 'success', []);
    assert.deepEqual(await later, []);
  } finally {
    client.close();
  }
});

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
