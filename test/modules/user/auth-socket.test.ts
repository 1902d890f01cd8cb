// The session on the socket: the upgrade reads the cookie, user.subscribe reports it, and
// logout, role changes and revocation reach every open socket of the user at once.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { TestClient } from '../../support/ws-client.js';
import { forgedTokens } from './forged-tokens.js';
import { enrol, post, sessionCookie, startUserHarness, type Enrolled, type UserHarness } from './user-harness.js';

describe('user sessions on the socket', () => {
  let h: UserHarness;
  const clients: TestClient[] = [];

  before(async () => {
    h = await startUserHarness();
  });
  after(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await h?.close();
  });

  async function connect(cookie?: string): Promise<TestClient> {
    const client = await TestClient.connect(h.wsUrl, { cookie });
    clients.push(client);
    return client;
  }

  async function subscribe(client: TestClient, eid = 'me'): Promise<unknown> {
    const reply = await client.request('user.subscribe', null, eid);
    assert.equal(reply.status, 'snapshot');
    return reply.data;
  }

  function updates(client: TestClient, eid = 'me'): unknown[] {
    return client.frames.filter((f) => f.eid === eid && f.status === 'update').map((f) => f.data);
  }

  async function withRole(username: string, role: 'staff' | 'admin', ip: string): Promise<Enrolled> {
    const user = await enrol(h.url, username, { ip });
    await h.prisma.user.update({ where: { username }, data: { role } });
    return user;
  }

  /** A second session of the user (another browser): the next code logs in again. */
  async function secondSession(user: Enrolled, ip: string): Promise<string> {
    const login = await post(h.url, '/login', { username: user.username, code: user.app.nextCode() }, { ip });
    return sessionCookie(login);
  }

  it('a socket opened with the session cookie is that user, also after a reconnect', async () => {
    const user = await enrol(h.url, 'olga', { ip: '10.20.0.1' });
    const first = await connect(user.cookie);
    assert.deepEqual(await subscribe(first), { status: 'user', username: 'olga', role: 'viewer' });
    await first.close();
    const again = await connect(user.cookie);
    assert.deepEqual(await subscribe(again), { status: 'user', username: 'olga', role: 'viewer' });
  });

  it('a socket without a cookie, or with a forged one, is a guest', async () => {
    assert.deepEqual(await subscribe(await connect()), { status: 'guest' });
    await enrol(h.url, 'pavel', { ip: '10.21.0.1' });
    const row = await h.prisma.user.findUniqueOrThrow({ where: { username: 'pavel' } });
    for (const [name, forge] of Object.entries(forgedTokens)) {
      const token = forge(h.config.jwtSecret!, { userId: row.id, role: 'admin', sessionVersion: row.session_version });
      const client = await connect(`seats_session=${token}`);
      assert.deepEqual(await subscribe(client), { status: 'guest' }, name);
      assert.equal((await client.request('user.list')).error, 'Unauthorized', name);
    }
  });

  it('logout downgrades every open socket of the user at once, and no other', async () => {
    const user = await withRole('quinn', 'admin', '10.22.0.1');
    const otherCookie = await secondSession(user, '10.22.0.1');
    const bystander = await enrol(h.url, 'rosa', { ip: '10.22.0.2' });
    const a = await connect(user.cookie);
    const b = await connect(otherCookie);
    const c = await connect(bystander.cookie);
    for (const client of [a, b]) assert.deepEqual(await subscribe(client), { status: 'user', username: 'quinn', role: 'admin' });
    await subscribe(c);
    assert.equal((await b.request('user.list')).status, 'success');

    await post(h.url, '/logout', {}, { cookie: user.cookie });
    for (const client of [a, b]) {
      const update = await client.waitFor((f) => f.eid === 'me' && f.status === 'update', 'downgrade push');
      assert.deepEqual(update.data, { status: 'guest' });
      assert.equal((await client.request('user.list')).error, 'Unauthorized');
      assert.deepEqual(await subscribe(client, 'again'), { status: 'guest' });
    }
    await sleep(100);
    assert.deepEqual(updates(c), [], 'another user is untouched');
    assert.deepEqual(await subscribe(c, 'again'), { status: 'user', username: 'rosa', role: 'viewer' });
  });

  it('a socket opened with an old cookie just after logout is a guest, though the user was looked up a moment before', async () => {
    const user = await withRole('tess', 'staff', '10.22.1.1');
    const otherCookie = await secondSession(user, '10.22.1.1');
    // Upgrades remember the user row for a second (recent-users.ts): this fills it.
    assert.deepEqual(await subscribe(await connect(user.cookie)), { status: 'user', username: 'tess', role: 'staff' });
    await post(h.url, '/logout', {}, { cookie: user.cookie });
    for (const cookie of [user.cookie, otherCookie]) {
      const late = await connect(cookie);
      assert.deepEqual(await subscribe(late), { status: 'guest' });
      assert.equal((await late.request('user.list')).error, 'Unauthorized');
    }
  });

  it('checks roles on user.set_role and user.list: guest, viewer and staff are refused', async () => {
    const viewer = await enrol(h.url, 'sami', { ip: '10.23.0.1' });
    const staff = await withRole('tara', 'staff', '10.23.0.2');
    const admin = await withRole('ugo', 'admin', '10.23.0.3');
    const expected: [TestClient, string | null][] = [
      [await connect(), 'Unauthorized'],
      [await connect(viewer.cookie), 'Forbidden'],
      [await connect(staff.cookie), 'Forbidden'],
      [await connect(admin.cookie), null],
    ];
    for (const [client, error] of expected) {
      assert.equal((await client.request('user.list')).error, error);
      assert.equal((await client.request('user.set_role', { username: 'sami', role: 'viewer' })).error, error);
    }
    assert.equal(await h.prisma.user.count({ where: { username: 'sami', role: 'viewer' } }), 1);

    const adminSocket = expected[3]![0];
    const list = await adminSocket.call('user.list');
    const sami = list.users.find((u: { username: string }) => u.username === 'sami');
    assert.deepEqual(Object.keys(sami).sort(), ['created_at', 'last_login_at', 'role', 'username']);
    assert.equal(sami.role, 'viewer');
    assert.ok(!JSON.stringify(list).includes('totp') && !JSON.stringify(list).includes('recovery'));
    assert.equal((await adminSocket.request('user.set_role', { username: 'nobody_at_all', role: 'staff' })).error, 'UserNotFound');
    assert.equal((await adminSocket.request('user.set_role', { username: 'sami', role: 'root' })).error, 'ValidationError');
    assert.equal((await adminSocket.request('user.set_role', { username: 'sami' })).error, 'ValidationError');
  });

  it('a role change reaches the user\'s open sockets at once and keeps the session', async () => {
    const admin = await withRole('vera', 'admin', '10.24.0.1');
    const target = await withRole('walt', 'admin', '10.24.0.2');
    const adminSocket = await connect(admin.cookie);
    const targetSocket = await connect(target.cookie);
    await subscribe(targetSocket);
    assert.equal((await targetSocket.request('user.list')).status, 'success');

    assert.deepEqual(await adminSocket.call('user.set_role', { username: 'walt', role: 'staff' }), { username: 'walt', role: 'staff' });
    const update = await targetSocket.waitFor((f) => f.eid === 'me' && f.status === 'update', 'role push');
    assert.deepEqual(update.data, { status: 'user', username: 'walt', role: 'staff' });
    assert.equal((await targetSocket.request('user.list')).error, 'Forbidden', 'the demotion applies to the open socket');
    assert.deepEqual((await post(h.url, '/status', {}, { cookie: target.cookie })).body.data, { status: 'user', username: 'walt', role: 'staff' });
    const reopened = await connect(target.cookie);
    assert.deepEqual(await subscribe(reopened), { status: 'user', username: 'walt', role: 'staff' }, 'the role comes from the database, not the token');
    assert.equal((await reopened.request('user.list')).error, 'Forbidden');
  });

  it('user.unsubscribe ends the pushes', async () => {
    const user = await enrol(h.url, 'xena', { ip: '10.25.0.1' });
    const client = await connect(user.cookie);
    await subscribe(client, 'one');
    await subscribe(client, 'two');
    assert.equal((await client.request('user.unsubscribe', { sub_eid: 'one' })).status, 'success');
    assert.equal((await client.request('user.unsubscribe', { sub_eid: 'one' })).error, 'NotSubscribed');
    await post(h.url, '/logout', {}, { cookie: user.cookie });
    await client.waitFor((f) => f.eid === 'two' && f.status === 'update', 'push to the remaining subscription');
    assert.deepEqual(updates(client, 'one'), []);
    assert.equal((await client.request('user.unsubscribe', null)).status, 'success');
    assert.equal((await client.request('user.unsubscribe', {})).error, 'NotSubscribed');
  });

  it('refuses the upgrade with 403 for a foreign Origin', async () => {
    const user = await enrol(h.url, 'yuri', { ip: '10.26.0.1' });
    await assert.rejects(TestClient.connect(h.wsUrl, { cookie: user.cookie, origin: 'http://evil.example' }), /upgrade refused: 403/);
    await assert.rejects(TestClient.connect(h.wsUrl, { cookie: user.cookie, origin: 'null' }), /upgrade refused: 403/);
    const own = await TestClient.connect(h.wsUrl, { cookie: user.cookie, origin: h.url });
    clients.push(own);
    assert.deepEqual(await subscribe(own), { status: 'user', username: 'yuri', role: 'viewer' });
  });

  it('user.set_role refuses to demote the last admin, and takes usernames in any case', async () => {
    const zeno = await withRole('zeno', 'admin', '10.27.0.1');
    const ilse = await enrol(h.url, 'ilse', { ip: '10.27.0.2' });
    // The earlier tests' admins step down, so zeno is the only one.
    await h.prisma.user.updateMany({ where: { role: 'admin', username: { not: 'zeno' } }, data: { role: 'staff' } });
    const zenoSocket = await connect(zeno.cookie);
    const refused = await zenoSocket.request('user.set_role', { username: 'ZENO', role: 'staff' });
    assert.equal(refused.error, 'LastAdmin');
    assert.equal((await h.prisma.user.findUniqueOrThrow({ where: { username: 'zeno' } })).role, 'admin');

    assert.deepEqual(await zenoSocket.call('user.set_role', { username: 'ILSE', role: 'admin' }), { username: 'ilse', role: 'admin' });
    assert.deepEqual(await zenoSocket.call('user.set_role', { username: 'zeno', role: 'viewer' }), { username: 'zeno', role: 'viewer' });
    const ilseSocket = await connect(ilse.cookie);
    assert.equal((await ilseSocket.request('user.set_role', { username: 'ilse', role: 'viewer' })).error, 'LastAdmin');
  });
});
