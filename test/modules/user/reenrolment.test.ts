// Re-enrolment after a lost authenticator: an admin's one-time link, or a recovery code.
// Both kill the old secret and every session (open sockets downgraded at once), enrol a
// new secret proven by a real TOTP code, spend the link, sign in that browser's open
// sockets, and are audited in auth_audit.
// The auth rules run on a clock the test moves, so expiry is reached without waiting.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestClient } from '../../support/ws-client.js';
import { Authenticator } from './authenticator.js';
import { enrol, post, sessionCookie, startUserHarness, type Enrolled, type UserHarness } from './user-harness.js';

describe('re-enrolment', () => {
  let h: UserHarness;
  let clockMs = Date.now();
  const clients: TestClient[] = [];

  before(async () => {
    h = await startUserHarness({ clock: () => new Date(clockMs) });
  });
  after(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await h?.close();
  });

  async function connect(cookie: string): Promise<TestClient> {
    const client = await TestClient.connect(h.wsUrl, { cookie });
    clients.push(client);
    return client;
  }

  function tokenOf(path: string): string {
    const match = /^\/staff#reenrol=([A-Za-z0-9_-]{43})$/.exec(path);
    assert.ok(match, `link path ${path}`);
    return match[1]!;
  }

  /** The old authenticator, its recovery codes and its session cookie are all refused. */
  async function assertOldAuthenticatorDead(user: Enrolled, ip: string, spentRecoveryCode?: string): Promise<void> {
    assert.deepEqual((await post(h.url, '/status', {}, { cookie: user.cookie })).body.data, { status: 'guest' });
    // A step never used yet: the old secret would accept it.
    const unused = user.app.code(user.app.currentStep() + 1);
    assert.equal((await post(h.url, '/login', { username: user.username, code: unused }, { ip })).body.error, 'InvalidCode');
    if (spentRecoveryCode) assert.equal((await post(h.url, '/login', { username: user.username, code: spentRecoveryCode }, { ip })).body.error, 'InvalidCode');
  }

  /**
   * Scans the link's QR, proves it with a wrong then a right code, in a browser with a guest
   * socket open, which the login push signs in; returns the new app and session.
   */
  async function finish(token: string, username: string, ip: string): Promise<{ app: Authenticator; cookie: string; recoveryCodes: string[] }> {
    const browserSocket = await connect('');
    const browser = browserSocket.upgradeSetCookies.find((c) => c.startsWith('seats_browser='))!.split(';')[0]!;
    assert.deepEqual(await browserSocket.call('user.subscribe', null, 'me'), { status: 'guest' });
    const scanned = await post(h.url, '/reenrol_start', { token }, { ip });
    assert.equal(scanned.body.status, 'success', JSON.stringify(scanned.body));
    assert.equal(scanned.body.data.username, username);
    assert.match(scanned.body.data.qr, /^data:image\/png;base64,/);
    const app = new Authenticator(scanned.body.data.qr_url);
    const wrong = String((Number(app.code()) + 1) % 1_000_000).padStart(6, '0');
    assert.equal((await post(h.url, '/reenrol', { token, code: wrong }, { ip })).body.error, 'InvalidCode');
    const done = await post(h.url, '/reenrol', { token, code: app.nextCode() }, { ip, cookie: browser });
    assert.equal(done.body.status, 'success', JSON.stringify(done.body));
    const pushed = await browserSocket.waitFor((f) => f.eid === 'me' && f.status === 'update', 'the login push to the re-enrolling browser');
    assert.deepEqual(pushed.data, { status: 'user', username, role: 'viewer' });
    assert.deepEqual({ ...done.body.data, recovery_codes: undefined }, { status: 'user', username, role: 'viewer', recovery_codes: undefined });
    assert.equal(done.body.data.recovery_codes.length, 10);
    const cookie = sessionCookie(done);
    assert.deepEqual((await post(h.url, '/status', {}, { cookie })).body.data, { status: 'user', username, role: 'viewer' });
    // Spent: the link does nothing a second time.
    assert.equal((await post(h.url, '/reenrol_start', { token }, { ip })).body.error, 'InvalidLink');
    assert.equal((await post(h.url, '/reenrol', { token, code: app.code() }, { ip })).body.error, 'InvalidLink');
    return { app, cookie, recoveryCodes: done.body.data.recovery_codes };
  }

  async function auditOf(username: string): Promise<{ action: string; actor: string }[]> {
    return h.prisma.authAudit.findMany({ where: { username }, orderBy: { id: 'asc' }, select: { action: true, actor: true } });
  }

  it("an admin's link revokes the old authenticator, recovery codes and sessions at once, and enrols a new one", async () => {
    const boss = await enrol(h.url, 'boss', { ip: '10.50.0.1' });
    await h.prisma.user.update({ where: { username: 'boss' }, data: { role: 'admin' } });
    const bossSocket = await connect(boss.cookie);
    const user = await enrol(h.url, 'lena', { ip: '10.50.1.1' });
    const lenaSocket = await connect(user.cookie);
    assert.equal((await lenaSocket.request('user.subscribe', null, 'me')).status, 'snapshot');

    const link = await bossSocket.call('user.reenrol_link', { username: 'LENA' });
    assert.equal(link.username, 'lena');
    const token = tokenOf(link.path);
    assert.equal(new Date(link.expires_at).getTime(), clockMs + 24 * 3600_000);
    // The open socket is downgraded at once.
    const pushed = await lenaSocket.waitFor((f) => f.eid === 'me' && f.status === 'update', 'downgrade push');
    assert.deepEqual(pushed.data, { status: 'guest' });
    await assertOldAuthenticatorDead(user, '10.50.9.1', user.recoveryCodes[0]);
    // Only the token's hash is stored.
    const stored = await h.prisma.enrolmentToken.findMany();
    assert.ok(stored.every((row) => !row.token_hash.includes(token)) && stored.length === 1);

    const fresh = await finish(token, 'lena', '10.50.1.1');
    assert.equal((await post(h.url, '/login', { username: 'lena', code: user.app.code(user.app.currentStep() + 1) }, { ip: '10.50.1.1' })).body.error, 'InvalidCode', 'old secret still refused');
    assert.equal((await post(h.url, '/login', { username: 'lena', code: fresh.recoveryCodes[0] }, { ip: '10.50.1.1' })).body.status, 'success');
    assert.deepEqual(await auditOf('lena'), [
      { action: 'reenrol_link_issued', actor: 'boss' },
      { action: 'reenrolled', actor: 'lena' },
    ]);
  });

  it('a user with a recovery code re-enrols: old secret and sessions revoked, audited', async () => {
    const user = await enrol(h.url, 'mats', { ip: '10.51.0.1' });
    const socket = await connect(user.cookie);
    assert.equal((await socket.request('user.subscribe', null, 'me')).status, 'snapshot');
    assert.equal((await post(h.url, '/reenrol_recovery', { username: 'mats', recovery_code: 'aaaa-bbbb-cccc-dddd' }, { ip: '10.51.0.1' })).body.error, 'InvalidCode');

    const started = await post(h.url, '/reenrol_recovery', { username: 'mats', recovery_code: user.recoveryCodes[3] }, { ip: '10.51.0.1' });
    assert.equal(started.body.status, 'success', JSON.stringify(started.body));
    const { token } = started.body.data;
    assert.deepEqual((await socket.waitFor((f) => f.eid === 'me' && f.status === 'update', 'downgrade push')).data, { status: 'guest' });
    await assertOldAuthenticatorDead(user, '10.51.9.1', user.recoveryCodes[3]);
    // Unspent recovery codes still work until the new enrolment replaces them (an interrupted one can restart).
    assert.equal((await h.prisma.user.findUniqueOrThrow({ where: { username: 'mats' } })).recovery_codes.length, 9);

    const fresh = await finish(token, 'mats', '10.51.0.1');
    assert.equal((await post(h.url, '/login', { username: 'mats', code: user.recoveryCodes[4] }, { ip: '10.51.0.1' })).body.error, 'InvalidCode', 'old recovery codes replaced');
    assert.equal((await post(h.url, '/login', { username: 'mats', code: fresh.app.nextCode() }, { ip: '10.51.0.1' })).body.status, 'success');
    assert.deepEqual(await auditOf('mats'), [
      { action: 'reenrol_started_with_recovery_code', actor: 'mats' },
      { action: 'reenrolled', actor: 'mats' },
    ]);
  });

  it('a link expires, a newer link replaces an older one, and only admins issue links', async () => {
    const boss = await enrol(h.url, 'chief', { ip: '10.52.0.1' });
    await h.prisma.user.update({ where: { username: 'chief' }, data: { role: 'admin' } });
    const bossSocket = await connect(boss.cookie);
    const user = await enrol(h.url, 'nora', { ip: '10.52.1.1' });
    const staff = await enrol(h.url, 'olaf', { ip: '10.52.2.1' });
    await h.prisma.user.update({ where: { username: 'olaf' }, data: { role: 'staff' } });
    assert.equal((await (await connect(staff.cookie)).request('user.reenrol_link', { username: 'nora' })).error, 'Forbidden');
    assert.equal((await bossSocket.request('user.reenrol_link', { username: 'nobody' })).error, 'UserNotFound');

    const first = tokenOf((await bossSocket.call('user.reenrol_link', { username: 'nora' })).path);
    const second = tokenOf((await bossSocket.call('user.reenrol_link', { username: 'nora' })).path);
    assert.equal((await post(h.url, '/reenrol_start', { token: first }, { ip: '10.52.1.1' })).body.error, 'InvalidLink', 'replaced');
    assert.equal((await post(h.url, '/reenrol_start', { token: second }, { ip: '10.52.1.1' })).body.status, 'success');
    clockMs += 24 * 3600_000 + 1000;
    assert.equal((await post(h.url, '/reenrol_start', { token: second }, { ip: '10.52.1.1' })).body.error, 'InvalidLink', 'expired');
    assert.equal((await post(h.url, '/reenrol', { token: second, code: user.app.code() }, { ip: '10.52.1.1' })).body.error, 'InvalidLink', 'expired');
  });
});
