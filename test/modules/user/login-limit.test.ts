// The wrong-code limit with a short window (LOGIN_MAX_FAILURES=3, LOGIN_WINDOW_SECONDS=2),
// so its reset can be watched.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { Authenticator } from './authenticator.js';
import { enrol, post, registrationCookie, startUserHarness, type UserHarness } from './user-harness.js';

const WINDOW_SECONDS = 2;

describe('login limit', () => {
  let h: UserHarness;

  before(async () => {
    h = await startUserHarness({ env: { LOGIN_MAX_FAILURES: '3', LOGIN_WINDOW_SECONDS: String(WINDOW_SECONDS) } });
  });
  after(() => h?.close());

  const wrong = (right: string) => String((Number(right) + 1) % 1_000_000).padStart(6, '0');

  it('blocks after the limit, tells when to retry, and lets the right code in once the window passed', async () => {
    const user = await enrol(h.url, 'anna', { ip: '10.30.0.1' });
    for (let i = 0; i < 3; i++) {
      assert.equal((await post(h.url, '/login', { username: 'anna', code: wrong(user.app.code()) }, { ip: '10.30.0.1' })).body.error, 'InvalidCode');
    }
    const code = user.app.nextCode();
    const blocked = await post(h.url, '/login', { username: 'anna', code }, { ip: '10.30.0.1' });
    assert.equal(blocked.body.error, 'TooManyLoginAttempts');
    const retryAfter: number = blocked.body.data.retry_after;
    assert.ok(retryAfter >= 1 && retryAfter <= WINDOW_SECONDS, `retry_after ${retryAfter}`);
    // Hammering while blocked does not extend the block.
    for (let i = 0; i < 3; i++) await post(h.url, '/login', { username: 'anna', code: wrong(code) }, { ip: '10.30.0.1' });
    await sleep(retryAfter * 1000 + 100);
    const after = await post(h.url, '/login', { username: 'anna', code }, { ip: '10.30.0.1' });
    assert.equal(after.body.status, 'success', JSON.stringify(after.body));
  });

  it('a burst of parallel wrong codes gets no more checks than the limit', async () => {
    const user = await enrol(h.url, 'bert', { ip: '10.31.0.1' });
    const attempts = await Promise.all(
      Array.from({ length: 12 }, (_, i) => post(h.url, '/login', { username: 'bert', code: wrong(user.app.code()) }, { ip: `10.31.1.${i}` })),
    );
    const errors = attempts.map((a) => a.body.error);
    assert.ok(errors.filter((e) => e === 'InvalidCode').length <= 3, errors.join(' '));
    assert.ok(errors.every((e) => e === 'InvalidCode' || e === 'TooManyLoginAttempts'), errors.join(' '));
    const failures = await h.prisma.loginFailure.count({ where: { key: 'user:bert' } });
    assert.ok(failures <= 3, `${failures} failures recorded`);
  });

  it('a successful login does not wipe earlier failures of the name', async () => {
    const user = await enrol(h.url, 'cleo', { ip: '10.32.0.1' });
    for (let i = 0; i < 2; i++) await post(h.url, '/login', { username: 'cleo', code: wrong(user.app.code()) }, { ip: '10.32.0.1' });
    const ok = await post(h.url, '/login', { username: 'cleo', code: user.recoveryCodes[0] }, { ip: '10.32.0.2' });
    assert.equal(ok.body.status, 'success');
    await post(h.url, '/login', { username: 'cleo', code: wrong(user.app.code()) }, { ip: '10.32.0.3' });
    const blocked = await post(h.url, '/login', { username: 'cleo', code: user.recoveryCodes[1] }, { ip: '10.32.0.4' });
    assert.equal(blocked.body.error, 'TooManyLoginAttempts');
  });

  it('counts wrong recovery codes and wrong codes at registration too', async () => {
    const user = await enrol(h.url, 'dirk', { ip: '10.33.0.1' });
    for (let i = 0; i < 3; i++) {
      assert.equal((await post(h.url, '/login', { username: 'dirk', code: `aaaa-bbbb-cccc-ddd${i + 2}` }, { ip: '10.33.0.1' })).body.error, 'InvalidCode');
    }
    assert.equal((await post(h.url, '/login', { username: 'dirk', code: user.recoveryCodes[0] }, { ip: '10.33.0.9' })).body.error, 'TooManyLoginAttempts');
    assert.equal((await h.prisma.user.findUniqueOrThrow({ where: { username: 'dirk' } })).recovery_codes.length, 10, 'nothing spent while blocked');

    const cookie = registrationCookie(await post(h.url, '/auth_start', { username: 'emma' }, { ip: '10.34.0.1' }));
    for (let i = 0; i < 3; i++) await post(h.url, '/register', { username: 'emma', code: '000000' }, { ip: `10.34.0.${i + 1}`, cookie });
    const blocked = await post(h.url, '/register', { username: 'emma', code: '000000' }, { ip: '10.34.0.9', cookie });
    assert.equal(blocked.body.error, 'TooManyLoginAttempts', 'per registration cookie, from any address');
  });

  it("counts wrong registration codes per browser and address, never against the name's logins", async () => {
    const start = await post(h.url, '/auth_start', { username: 'finn' }, { ip: '10.35.0.1' });
    const cookie = registrationCookie(start);
    const app = new Authenticator(start.body.data.qr_url);
    // A stranger without the cookie hammers the name's registration: none of it is even checked.
    for (let i = 0; i < 6; i++) {
      assert.equal((await post(h.url, '/register', { username: 'finn', code: wrong(app.code()) }, { ip: '10.35.1.1' })).body.error, 'RegistrationNotFound');
    }
    // The owner mistypes twice (under the limit of three), then gets it right.
    for (let i = 0; i < 2; i++) {
      assert.equal((await post(h.url, '/register', { username: 'finn', code: wrong(app.code()) }, { ip: '10.35.0.1', cookie })).body.error, 'InvalidCode');
    }
    const registered = await post(h.url, '/register', { username: 'finn', code: app.nextCode() }, { ip: '10.35.0.1', cookie });
    assert.equal(registered.body.status, 'success', JSON.stringify(registered.body));
    assert.equal(await h.prisma.loginFailure.count({ where: { key: 'user:finn' } }), 0);
    // So the name starts with its full allowance: two wrong logins, and the right one still passes.
    for (let i = 0; i < 2; i++) {
      assert.equal((await post(h.url, '/login', { username: 'finn', code: wrong(app.code()) }, { ip: `10.35.2.${i}` })).body.error, 'InvalidCode');
    }
    const login = await post(h.url, '/login', { username: 'finn', code: app.nextCode() }, { ip: '10.35.3.1' });
    assert.equal(login.body.status, 'success', JSON.stringify(login.body));
  });
});
