// The first admin: a server on a database without an admin logs a one-time setup link
// once; whoever enrols through it becomes admin. Used once, then refused; expired,
// refused; a second start (or instance) leaves a live link alone. The auth rules run on
// a clock the test moves, so the hour's expiry is reached without waiting.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer } from '../../support/server.js';
import { TestClient } from '../../support/ws-client.js';
import { Authenticator } from './authenticator.js';
import { post, registrationCookie, startUserHarness, type UserHarness } from './user-harness.js';

const SETUP_LINE = 'open this one-time link';

function setupTokens(logs: string[]): string[] {
  return logs.filter((line) => line.includes(SETUP_LINE)).map((line) => /#setup=([A-Za-z0-9_-]{43})/.exec(line)![1]!);
}

describe('first admin', () => {
  let h: UserHarness;
  let clockMs = Date.now();

  before(async () => {
    h = await startUserHarness({ clock: () => new Date(clockMs) });
  });
  after(() => h?.close());

  /** auth_start, then setup_register with the link's token and a real code. `browser`: that browser's `seats_browser` cookie. */
  async function enrolWithLink(username: string, token: string, ip: string, browser?: string) {
    const start = await post(h.url, '/auth_start', { username }, { ip });
    const app = new Authenticator(start.body.data.qr_url);
    const cookie = [registrationCookie(start), browser].filter(Boolean).join('; ');
    return post(h.url, '/setup_register', { username, code: app.nextCode(), setup_token: token }, { ip, cookie });
  }

  it('the setup link makes its first user admin, once, and signs in that browser\'s sockets; a live link is never replaced by another start', async () => {
    await h.module.offerFirstAdminSetup(h.url);
    const [token] = setupTokens(h.logs.lines);
    assert.ok(token, h.logs.text());
    // Another start (or instance) while the link is live: no new link, the first one still works.
    await h.module.offerFirstAdminSetup(h.url);
    assert.equal(setupTokens(h.logs.lines).length, 1);
    assert.match(h.logs.text(), /setup link logged earlier .* is still valid/);
    assert.equal(await h.prisma.enrolmentToken.count({ where: { slot: 'admin_setup' } }), 1);
    assert.ok(!(await h.prisma.enrolmentToken.findFirstOrThrow()).token_hash.includes(token!), 'stored as a hash');

    // The enrolling browser has the staff page's socket open, as a guest.
    const socket = await TestClient.connect(h.wsUrl);
    try {
      const browser = socket.upgradeSetCookies.find((c) => c.startsWith('seats_browser='))!.split(';')[0]!;
      assert.deepEqual(await socket.call('user.subscribe', null, 'me'), { status: 'guest' });
      const first = await enrolWithLink('root_user', token!, '10.60.0.1', browser);
      assert.equal(first.body.status, 'success', JSON.stringify(first.body));
      assert.deepEqual({ ...first.body.data, recovery_codes: undefined }, { status: 'user', username: 'root_user', role: 'admin', recovery_codes: undefined });
      const pushed = await socket.waitFor((f) => f.eid === 'me' && f.status === 'update', 'the login push to the enrolling browser');
      assert.deepEqual(pushed.data, { status: 'user', username: 'root_user', role: 'admin' });
    } finally {
      await socket.close();
    }
    assert.deepEqual(
      await h.prisma.authAudit.findMany({ where: { action: 'first_admin_enrolled' }, select: { username: true, ip: true } }),
      [{ username: 'root_user', ip: '10.60.0.1' }],
    );

    const again = await enrolWithLink('second_user', token!, '10.60.0.2');
    assert.equal(again.body.error, 'InvalidLink');
    assert.equal(await h.prisma.user.count({ where: { username: 'second_user' } }), 0, 'nobody enrolled by a spent link');
    // With an admin, a start logs no link and clears the slot.
    await h.module.offerFirstAdminSetup(h.url);
    assert.equal(setupTokens(h.logs.lines).length, 1);
    assert.equal(await h.prisma.enrolmentToken.count({ where: { slot: 'admin_setup' } }), 0);
  });

  it('an expired setup link is refused, and the next start logs a new one', async () => {
    await h.prisma.user.updateMany({ where: { role: 'admin' }, data: { role: 'viewer' } });
    await h.module.offerFirstAdminSetup(h.url);
    const tokens = setupTokens(h.logs.lines);
    const token = tokens.at(-1)!;
    clockMs += 3600_000 + 1000;
    assert.equal((await enrolWithLink('late_user', token, '10.61.0.1')).body.error, 'InvalidLink');
    await h.module.offerFirstAdminSetup(h.url);
    const fresh = setupTokens(h.logs.lines).at(-1)!;
    assert.notEqual(fresh, token);
    const ok = await enrolWithLink('later_user', fresh, '10.61.0.1');
    assert.equal(ok.body.data?.role, 'admin', JSON.stringify(ok.body));
  });

  it('a real server logs the setup link at start on a database without an admin', async () => {
    const server = await startTestServer({ env: { SEED_DEMO: 'false' } });
    try {
      const lines = server.logs.lines.filter((line) => line.includes(SETUP_LINE));
      assert.equal(lines.length, 1, server.logs.text());
      assert.match(lines[0]!, new RegExp(`http://localhost:${server.port}/staff#setup=[A-Za-z0-9_-]{43}`));
    } finally {
      await server.close();
    }
  });
});
