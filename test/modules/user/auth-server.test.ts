// The login story through the composed server (src/server.ts): enrol, log in, keep the
// session across reconnects, log out everywhere, on one instance and, on PostgreSQL,
// across two instances sharing the database.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../../support/server.js';
import { TestClient } from '../../support/ws-client.js';
import { assertNoSecretIn, enrol, post, sessionCookie } from './user-harness.js';

describe('user sessions through the composed server', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  const secrets: string[] = [];
  const otherLogs: string[] = [];

  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await server?.close();
  });

  async function connect(url: string, cookie?: string): Promise<TestClient> {
    const client = await TestClient.connect(url, { cookie });
    clients.push(client);
    return client;
  }

  it('enrols, logs in, stays logged in across reconnects, and logs out every socket at once', async () => {
    const user = await enrol(server.url, 'amira');
    const code = user.app.nextCode();
    const login = await post(server.url, '/login', { username: 'amira', code });
    assert.equal(login.body.status, 'success', JSON.stringify(login.body));
    const laptop = sessionCookie(login);
    secrets.push(...user.secrets, code, laptop);

    const first = await connect(server.wsUrl, laptop);
    assert.deepEqual(await first.call('user.subscribe', null, 'me'), { status: 'user', username: 'amira', role: 'viewer' });
    await first.close();
    const reconnected = await connect(server.wsUrl, laptop);
    const phone = await connect(server.wsUrl, user.cookie);
    for (const client of [reconnected, phone]) {
      assert.deepEqual(await client.call('user.subscribe', null, 'me'), { status: 'user', username: 'amira', role: 'viewer' });
    }

    await post(server.url, '/logout', {}, { cookie: laptop });
    for (const client of [reconnected, phone]) {
      const update = await client.waitFor((f) => f.eid === 'me' && f.status === 'update', 'logout push');
      assert.deepEqual(update.data, { status: 'guest' });
    }
    const afterLogout = await connect(server.wsUrl, user.cookie);
    assert.deepEqual(await afterLogout.call('user.subscribe', null, 'me'), { status: 'guest' });
  });

  it('refuses a WebSocket upgrade from a foreign Origin with 403', async () => {
    await assert.rejects(TestClient.connect(server.wsUrl, { origin: 'https://evil.example' }), /upgrade refused: 403/);
    const login = await post(server.url, '/login', { username: 'amira', code: '123456' }, { origin: 'https://evil.example' });
    assert.equal(login.body.error, 'OriginNotAllowed');
  });

  it('admin-only user messages are refused to viewers', async () => {
    const viewer = await enrol(server.url, 'bilal');
    secrets.push(...viewer.secrets);
    const client = await connect(server.wsUrl, viewer.cookie);
    assert.equal((await client.request('user.list')).error, 'Forbidden');
    assert.equal((await client.request('user.set_role', { username: 'bilal', role: 'admin' })).error, 'Forbidden');
  });

  it('logs out a socket on another instance sharing the database, also when its user re-enrols', async (t) => {
    if (server.database.databaseUrl === undefined) return t.skip('needs PostgreSQL (TEST_DATABASE_URL): a PGlite folder is one process\'s');
    const second = await startTestServer({ database: server.database });
    try {
      const user = await enrol(server.url, 'chen');
      secrets.push(...user.secrets);
      const elsewhere = await connect(second.wsUrl, user.cookie);
      assert.deepEqual(await elsewhere.call('user.subscribe', null, 'me'), { status: 'user', username: 'chen', role: 'viewer' });
      await post(server.url, '/logout', {}, { cookie: user.cookie });
      const update = await elsewhere.waitFor((f) => f.eid === 'me' && f.status === 'update', 'cross-instance logout push');
      assert.deepEqual(update.data, { status: 'guest' });
      // Re-enrolment begun on this instance revokes the session on the other one at once.
      const lost = await enrol(server.url, 'chen_lost');
      secrets.push(...lost.secrets);
      const lostSocket = await connect(second.wsUrl, lost.cookie);
      assert.deepEqual(await lostSocket.call('user.subscribe', null, 'me'), { status: 'user', username: 'chen_lost', role: 'viewer' });
      const started = await post(server.url, '/reenrol_recovery', { username: 'chen_lost', recovery_code: lost.recoveryCodes[0] });
      assert.equal(started.body.status, 'success', JSON.stringify(started.body));
      secrets.push(started.body.data.token);
      const revoked = await lostSocket.waitFor((f) => f.eid === 'me' && f.status === 'update', 'cross-instance re-enrolment push');
      assert.deepEqual(revoked.data, { status: 'guest' });
      otherLogs.push(second.logs.text());
    } finally {
      await second.close();
    }
  });

  it('with PUBLIC_READ off, a socket logged out elsewhere also stops receiving what only sessions may read', async () => {
    const closed = await startTestServer({ env: { PUBLIC_READ: 'false', SEED_DEMO: 'false' } });
    try {
      const reader = await enrol(closed.url, 'dana');
      const admin = await enrol(closed.url, 'emre');
      secrets.push(...reader.secrets, ...admin.secrets);
      otherLogs.push(closed.logs.text());
      await closed.server.database.prisma.user.update({ where: { username: 'emre' }, data: { role: 'admin' } });
      const readerSocket = await connect(closed.wsUrl, reader.cookie);
      const adminSocket = await connect(closed.wsUrl, admin.cookie);
      assert.equal((await (await connect(closed.wsUrl)).request('cinemas.subscribe', null, 'lobby')).error, 'Unauthorized');
      await readerSocket.call('user.subscribe', null, 'me');
      await readerSocket.call('cinemas.subscribe', null, 'lobby');
      await adminSocket.call('cinemas.subscribe', null, 'lobby');

      await post(closed.url, '/logout', {}, { cookie: reader.cookie });
      await readerSocket.waitFor((f) => f.eid === 'me' && f.status === 'update', 'logout push');
      await adminSocket.call('cinema.create', { name: 'After Hours', color: '#112233' });
      // The cinema list is pushed whole (a snapshot) when a cinema is added.
      const hasNewCinema = (f: { eid: string; data: unknown }) => f.eid === 'lobby' && JSON.stringify(f.data).includes('After Hours');
      await adminSocket.waitFor(hasNewCinema, 'cinema list push');
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(readerSocket.frames.filter((f) => f.eid === 'lobby').length, 1, 'only the reply to the subscribe');
      otherLogs.push(closed.logs.text());
    } finally {
      await closed.close();
    }
  });

  it('writes no secret, code or token to the server log', () => {
    const logs = [server.logs.text(), ...otherLogs].join('\n');
    assert.match(logs, /logged in/);
    const stored = JSON.parse(readFileSync(join(server.config.dataDir, 'secrets.json'), 'utf8')) as Record<string, string>;
    assertNoSecretIn(logs, [...secrets, ...Object.values(stored)]);
  });
});
