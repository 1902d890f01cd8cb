// The wrong-code limit (LOGIN_MAX_FAILURES=3) on a clock the test moves, so the window's
// end is reached without waiting.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Authenticator } from './authenticator.js';
import { enrol, post, registrationCookie, startUserHarness, type UserHarness } from './user-harness.js';

const WINDOW_SECONDS = 900;

describe('login limit', () => {
  let h: UserHarness;
  /** The auth rules' clock: stands still unless a test moves it; TOTP codes still follow the real time. */
  let clockMs = Date.now();

  before(async () => {
    h = await startUserHarness({
      env: { LOGIN_MAX_FAILURES: '3', LOGIN_WINDOW_SECONDS: String(WINDOW_SECONDS) },
      clock: () => new Date(clockMs),
    });
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
    clockMs += retryAfter * 1000 - 1000;
    assert.equal((await post(h.url, '/login', { username: 'anna', code }, { ip: '10.30.0.1' })).body.error, 'TooManyLoginAttempts', 'a second early');
    clockMs += 1000;
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
    for (let i = 0; i < 2; i++) await post(h.url, '/login', { username: 'cleo', code: wrong(user.app.code()) }, { ip: `10.32.1.${i}` });
    const ok = await post(h.url, '/login', { username: 'cleo', code: user.recoveryCodes[0] }, { ip: '10.32.0.2' });
    assert.equal(ok.body.status, 'success');
    await post(h.url, '/login', { username: 'cleo', code: wrong(user.app.code()) }, { ip: '10.32.0.3' });
    const blocked = await post(h.url, '/login', { username: 'cleo', code: user.recoveryCodes[1] }, { ip: '10.32.0.4' });
    assert.equal(blocked.body.error, 'TooManyLoginAttempts');
  });

  it('counts wrong recovery codes and wrong codes at registration too', async () => {
    const user = await enrol(h.url, 'dirk', { ip: '10.33.0.1' });
    for (let i = 0; i < 3; i++) {
      assert.equal((await post(h.url, '/login', { username: 'dirk', code: `aaaa-bbbb-cccc-ddd${i + 2}` }, { ip: '10.33.1.1' })).body.error, 'InvalidCode');
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

  it('an attacker failing codes from many addresses cannot lock the real user out of their own address', async () => {
    const user = await enrol(h.url, 'gina', { ip: '10.36.0.1' });
    const attempts = [];
    for (let i = 0; i < 12; i++) {
      attempts.push((await post(h.url, '/login', { username: 'gina', code: wrong(user.app.code()) }, { ip: `10.36.1.${i}` })).body.error);
    }
    // The name's limit binds every new address together: three guesses, then blocked.
    assert.deepEqual(attempts, [...Array(3).fill('InvalidCode'), ...Array(9).fill('TooManyLoginAttempts')]);
    const guessed = await post(h.url, '/login', { username: 'gina', code: user.app.code() }, { ip: '10.36.2.1' });
    assert.equal(guessed.body.error, 'TooManyLoginAttempts', 'even the right code is not checked from a new address');
    // The real user, from the address they enrolled from, is not blocked, and their own
    // typo there does not count against the name.
    assert.equal((await post(h.url, '/login', { username: 'gina', code: wrong(user.app.code()) }, { ip: '10.36.0.1' })).body.error, 'InvalidCode');
    const login = await post(h.url, '/login', { username: 'gina', code: user.app.nextCode() }, { ip: '10.36.0.1' });
    assert.equal(login.body.status, 'success', JSON.stringify(login.body));
    // An address the attacker fails from three times is blocked for every name.
    const other = await enrol(h.url, 'hugo', { ip: '10.36.3.1' });
    for (let i = 0; i < 3; i++) await post(h.url, '/login', { username: 'hugo', code: wrong(other.app.code()) }, { ip: '10.36.4.1' });
    assert.equal((await post(h.url, '/login', { username: 'gina', code: user.recoveryCodes[0] }, { ip: '10.36.4.1' })).body.error, 'TooManyLoginAttempts');
    // The known address is known for this many days after the last success, no longer.
    clockMs += 31 * 86_400_000;
    const lapsed = await post(h.url, '/login', { username: 'gina', code: wrong(user.app.code()) }, { ip: '10.36.0.1' });
    assert.equal(lapsed.body.error, 'InvalidCode');
    assert.equal(await h.prisma.loginFailure.count({ where: { key: 'user:gina', created_at: new Date(clockMs) } }), 1);
  });
});
