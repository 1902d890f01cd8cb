// The original Seats Sync web client, replayed at the wire against a real server, page on
// another origin (http://localhost:5173 in ALLOWED_ORIGINS) as when it runs from its dev
// server: register with the QR secret, the login push, cinemas and a hall in its dialect,
// a reservation seen live by a second browser and by a socket of our own dialect, logout.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { totpCode } from '../support/auth.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { TestClient } from '../support/ws-client.js';
import { OriginalBrowser } from './original-browser.js';

const PAGE = 'http://localhost:5173';

// One server for both suites: starting one costs seconds on a busy machine.
let server: TestServer;
before(async () => {
  server = await startTestServer({ env: { ALLOWED_ORIGINS: PAGE, TRUST_PROXY: 'loopback' } });
});
after(async () => server?.close());

describe('the original web client', () => {
  let alice: OriginalBrowser;
  let bob: OriginalBrowser;
  let ours: TestClient;
  let secret = '';
  let hallId = 0;
  let hallSeat = 0;
  let reservedNow = 0;

  before(async () => {
    alice = new OriginalBrowser(server.url, PAGE);
    bob = new OriginalBrowser(server.url, PAGE);
    await alice.open();
    await bob.open();
    ours = await TestClient.connect(server.wsUrl);
  });
  after(async () => {
    for (const client of [alice.socket, bob.socket, ours]) await client?.close();
  });

  it('gets a browser cookie on its first socket, and `1` answered with `1`', async () => {
    assert.ok(alice.has('seats_browser'), 'the handshake set seats_browser');
    const cookie = alice.socket!.upgradeSetCookies.find((c) => c.startsWith('seats_browser='))!;
    for (const flag of ['HttpOnly', 'SameSite=Strict', 'Path=/']) assert.ok(cookie.includes(flag), cookie);
    alice.socket!.sendRaw('1');
    await alice.socket!.waitFor((frame) => (frame as unknown) === 1, 'the heartbeat answer');
    assert.equal(alice.socket!.frames.filter((f) => f?.status === 'error').length, 0, 'no error frame for the heartbeat');
  });

  it('over TLS, names the browser cookie __Host- and Secure, so no subdomain or http page can plant one', async () => {
    const socket = new WebSocket(server.wsUrl, { headers: { 'x-forwarded-proto': 'https' } });
    const setCookies = await new Promise<string[]>((resolve, reject) => {
      socket.once('upgrade', (response) => resolve(response.headers['set-cookie'] ?? []));
      socket.once('error', reject);
    });
    socket.close();
    const cookie = setCookies.find((c) => c.startsWith('__Host-seats_browser='));
    assert.ok(cookie, setCookies.join(' | '));
    for (const flag of ['Secure', 'HttpOnly', 'SameSite=Strict', 'Path=/']) assert.ok(cookie.includes(flag), cookie);
  });

  it('starts as a guest and registers with the secret copied as it copies it', async () => {
    const guest = await alice.subscribe('user.subscribe', null);
    assert.equal(guest.eid, '1');
    assert.deepEqual({ status: guest.status, data: guest.data }, { status: 'snapshot', data: { status: 'guest' } });
    await bob.subscribe('user.subscribe', null);
    assert.deepEqual((await alice.http('status')).json.data, { status: 'guest' });

    const start = await alice.http('auth_start', { username: 'olga' });
    assert.equal(start.json.data.status, 'candidate');
    secret = (start.json.data.qr_url as string).split('secret=')[1]!;
    assert.match(secret, /^[A-Z2-7]{32}$/);

    const registered = await alice.http('register', { username: 'olga', code: totpCode(secret) });
    assert.equal(registered.json.status, 'success', JSON.stringify(registered.json));
    const pushed = await alice.socket!.waitFor((f) => f?.eid === '1' && f.status === 'update', 'the login push');
    assert.deepEqual(pushed.data, { status: 'user', username: 'olga' });
    assert.equal(pushed.type, 'user.subscribe');
    assert.deepEqual((await alice.http('status')).json.data.status, 'user');

    // The push went to that browser only: bob's socket, asked after it, has no update.
    await bob.send('cinemas.get_cinemas', null);
    assert.equal(bob.socket!.frames.filter((f) => f?.status === 'update').length, 0, "another browser's socket is not told");
  });

  it('logs in again (as staff now) and its socket is told at once', async () => {
    const out = await alice.http('logout');
    assert.deepEqual(out.json.data, { status: 'guest', success: true });
    const guest = await alice.socket!.waitFor((f) => f?.eid === '1' && f.status === 'update' && f.data.status === 'guest', 'the logout push');
    assert.deepEqual(guest.data, { status: 'guest' });

    await server.server.database.prisma.user.update({ where: { username: 'olga' }, data: { role: 'staff' } });
    // One of our own pages open in the same browser, speaking our dialect.
    const page = await TestClient.connect(server.wsUrl, { cookie: alice.cookieHeader('/ws'), origin: PAGE });
    assert.deepEqual(await page.call('user.subscribe', null, 'me'), { status: 'guest' });
    const before = alice.socket!.frames.length;
    const login = await alice.http('login', { username: 'olga', code: totpCode(secret, 1) });
    assert.equal(login.json.status, 'success', JSON.stringify(login.json));
    const pushed = await alice.socket!.waitFor((f) => f?.eid === '1' && f.status === 'update' && alice.socket!.frames.indexOf(f) >= before, 'the login push');
    assert.deepEqual(pushed.data, { status: 'user', username: 'olga' });
    const ourPush = await page.waitFor((f) => f.eid === 'me' && f.status === 'update', 'the login push in our dialect');
    assert.deepEqual(ourPush.data, { status: 'user', username: 'olga', role: 'staff' });
    assert.equal((await page.request('hall.history', { hall_id: 1, limit: 1 })).error === 'Unauthorized', false, 'the socket holds the session now');
    // Our dialect has no `1` heartbeat: it is a frame like any other.
    page.sendRaw('1');
    const refused = await page.waitFor((f) => f.type === 'error' || f.error === 'ValidationError', 'the reply to 1');
    assert.equal(refused.error, 'ValidationError');
    await page.close();
  });

  it('sees cinemas and halls counted as VACANT and RESERVED, MAINTENANCE and OCCUPIED both RESERVED', async () => {
    const cinemas = await alice.send('cinemas.get_cinemas', null);
    hallId = cinemas.data[0].halls[0].id;
    const reservedBefore = cinemas.data[0].halls[0].seats_count.RESERVED as number;
    const staff = await server.server.database.prisma.user.findFirstOrThrow({ where: { username: 'olga' } });
    assert.equal(staff.role, 'staff');
    // One seat under maintenance (any dialect may send our statuses).
    const hall = await alice.send('hall.get', { id: hallId });
    const [first, second] = (hall.data.seats as { id: number; status: string }[]).filter((seat) => seat.status === 'VACANT');
    const marked = await alice.send('hall.update_seat_status', { hall_id: hallId, seat_id: first!.id, status: 'MAINTENANCE' });
    assert.equal(marked.status, 'success', JSON.stringify(marked));
    assert.equal(marked.data.seats[0].status, 'RESERVED', 'its reply speaks its dialect');
    const truth = await ours.call('hall.get', { id: hallId });
    assert.equal(truth.seats.find((s: any) => s.id === first!.id).status, 'MAINTENANCE', 'our dialect keeps the three statuses');

    const snapshot = await alice.subscribe('cinemas.subscribe', null, 'cinemas-sub');
    assert.equal(snapshot.status, 'snapshot');
    for (const cinema of snapshot.data) {
      for (const h of cinema.halls) {
        assert.deepEqual(Object.keys(h.seats_count).sort(), ['RESERVED', 'VACANT']);
        const percent = (h.seats_count.RESERVED / (h.seats_count.RESERVED + h.seats_count.VACANT)) * 100;
        assert.ok(Number.isFinite(percent), `${h.name}: ${percent}%`);
      }
    }
    const counted = snapshot.data.flatMap((c: any) => c.halls).find((h: any) => h.id === hallId);
    assert.equal(counted.seats_count.RESERVED, reservedBefore + 1, 'the seat under maintenance counts as RESERVED');
    reservedNow = counted.seats_count.RESERVED;

    const opened = await alice.subscribe('hall.subscribe', { id: hallId }, 'hall-sub');
    assert.equal(opened.status, 'snapshot');
    assert.deepEqual(new Set(opened.data.seats.map((s: any) => s.status)), new Set(['VACANT', 'RESERVED']));
    assert.equal(opened.data.seats.find((s: any) => s.id === first!.id).status, 'RESERVED');
    for (const type of opened.data.seat_types) assert.deepEqual(Object.keys(type.seats).sort(), ['RESERVED', 'VACANT']);
    hallSeat = second!.id;
  });

  it('reserves a seat; a second browser on the hall and a socket of our dialect see it live', async () => {
    await bob.subscribe('cinemas.subscribe', null, 'cinemas-sub');
    await bob.subscribe('hall.subscribe', { id: hallId }, 'hall-sub');
    await ours.call('hall.subscribe', { id: hallId }, 'mine');
    const reserved = await alice.send('hall.update_seat_status', { hall_id: hallId, seat_id: hallSeat, status: 'RESERVED' });
    assert.equal(reserved.status, 'success', JSON.stringify(reserved));

    const seen = await bob.socket!.waitFor((f) => f?.eid === 'hall-sub' && f.status === 'update' && f.data.seats?.some((s: any) => s.id === hallSeat), 'the hall update');
    assert.deepEqual(seen.data.seats, [{ id: hallSeat, status: 'RESERVED', updated_at: seen.data.seats[0].updated_at }]);
    for (const type of seen.data.seat_types) assert.deepEqual(Object.keys(type.seats).sort(), ['RESERVED', 'VACANT']);

    const counts = await bob.socket!.waitFor((f) => f?.eid === 'cinemas-sub' && f.status === 'update' && f.data.halls?.some((h: any) => h.id === hallId && h.seats_count.RESERVED === reservedNow + 1), 'the cinema update');
    assert.ok(!Array.isArray(counts.data), 'one cinema {id, halls} per update');
    assert.deepEqual(Object.keys(counts.data).sort(), ['halls', 'id']);

    const mine = await ours.waitFor((f) => f.eid === 'mine' && f.status === 'update' && f.data.seats.some((s: any) => s.id === hallSeat), 'our dialect update');
    assert.equal(mine.data.seats[0].status, 'OCCUPIED');
    assert.deepEqual(Object.keys(mine.data.seat_types[0].seats).sort(), ['HELD', 'MAINTENANCE', 'OCCUPIED', 'VACANT']);
  });

  it('gets no reply to an unsubscribe, and errors with data null', async () => {
    const frames = bob.socket!.frames.length;
    bob.unsubscribe('hall.unsubscribe', 'hall-sub');
    bob.unsubscribe('hall.unsubscribe', 'never-subscribed');
    const unknown = await bob.send('hall.nonsense', null);
    assert.deepEqual({ status: unknown.status, data: unknown.data, error: unknown.error }, { status: 'error', data: null, error: 'UnknownMessageType' });
    assert.deepEqual(bob.socket!.frames.slice(frames), [unknown], 'the error reply is the only frame after the unsubscribes');
    const missing = await alice.http('save_recovery_phrase', { phrase: 'x' });
    assert.deepEqual({ status: missing.status, error: missing.json.error }, { status: 404, error: 'NotFound' });
  });

  it('logs out: its socket is told, the other browser is not', async () => {
    const before = alice.socket!.frames.length;
    const out = await alice.http('logout');
    assert.deepEqual(out.json.data, { status: 'guest', success: true });
    const guest = await alice.socket!.waitFor((f) => f?.eid === '1' && f.status === 'update' && alice.socket!.frames.indexOf(f) >= before, 'the logout push');
    assert.deepEqual(guest.data, { status: 'guest' });
    await bob.send('cinemas.get_cinemas', null);
    assert.equal(bob.socket!.frames.filter((f) => f?.eid === '1' && f.status === 'update').length, 0);
  });
});

describe('CORS', () => {
  const preflight = (origin: string) =>
    fetch(`${server.url}/api//user/login`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });

  it('allows an origin in ALLOWED_ORIGINS with credentials, preflight included', async () => {
    const answer = await preflight(PAGE);
    assert.equal(answer.status, 204);
    assert.equal(answer.headers.get('access-control-allow-origin'), PAGE);
    assert.equal(answer.headers.get('access-control-allow-credentials'), 'true');
    assert.match(answer.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.match(answer.headers.get('access-control-allow-headers') ?? '', /Content-Type/i);

    const status = await new OriginalBrowser(server.url, PAGE).http('status');
    assert.equal(status.headers.get('access-control-allow-origin'), PAGE);
    assert.equal(status.headers.get('access-control-allow-credentials'), 'true');
    assert.deepEqual(status.json.data, { status: 'guest' });
  });

  it('gives any other origin no CORS header, and refuses its state-changing requests', async () => {
    const answer = await preflight('http://evil.example');
    assert.equal(answer.headers.get('access-control-allow-origin'), null);
    assert.equal(answer.headers.get('access-control-allow-credentials'), null);
    const post = await new OriginalBrowser(server.url, 'http://evil.example').http('login', { username: 'olga', code: '123456' });
    assert.equal(post.headers.get('access-control-allow-origin'), null);
    assert.deepEqual({ status: post.status, error: post.json.error }, { status: 403, error: 'OriginNotAllowed' });
    await assert.rejects(TestClient.connect(server.wsUrl, { dialect: 'original', origin: 'http://evil.example' }), /403/);
  });
});
