// Enrolment, login and sessions over HTTP, against a real database. Codes come from the
// scanned otpauth:// URI, as an authenticator app computes them.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Authenticator } from './authenticator.js';
import { forgedTokens } from './forged-tokens.js';
import { assertNoSecretIn, enrol, post, registrationCookie, sessionCookie, startUserHarness, type UserHarness } from './user-harness.js';

const RECOVERY_CODE = /^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/;

describe('user auth over HTTP', () => {
  let h: UserHarness;
  /** Everything secret the tests saw; the last test scans the logs for each. */
  const secrets: string[] = [];

  before(async () => {
    h = await startUserHarness();
  });
  after(() => h?.close());

  function wrongCode(right: string): string {
    return String((Number(right) + 500_000) % 1_000_000).padStart(6, '0');
  }

  function attributesOf(setCookies: string[], name: string): string[] {
    const header = setCookies.find((c) => c.startsWith(`${name}=`));
    assert.ok(header, `${name} set: ${JSON.stringify(setCookies)}`);
    return header.split(';').map((part) => part.trim());
  }

  it('answers an unknown route with 404 NotFound', async () => {
    const unknownPost = await post(h.url, '/no_such_route', {});
    assert.equal(unknownPost.http, 404);
    assert.equal(unknownPost.body.error, 'NotFound');
    const unknownGet = await fetch(`${h.url}/api/nothing`);
    assert.equal(unknownGet.status, 404);
    assert.equal(((await unknownGet.json()) as { error: string }).error, 'NotFound');
  });

  it('enrols with a code from the scanned QR and returns ten recovery codes once', async () => {
    const start = await post(h.url, '/auth_start', { username: 'alice' }, { ip: '10.1.0.1' });
    assert.equal(start.http, 200);
    assert.equal(start.body.status, 'success');
    assert.equal(start.body.error, null);
    const { status, username, qr_url, qr } = start.body.data;
    assert.deepEqual({ status, username }, { status: 'candidate', username: 'alice' });
    assert.match(qr_url, /^otpauth:\/\/totp\/Seats%20Sync:alice\?issuer=Seats%20Sync&algorithm=SHA1&digits=6&period=30&secret=[A-Z2-7]{32}$/, "the secret last: the original client copies it with split('secret=')[1]");
    const png = Buffer.from(qr.replace(/^data:image\/png;base64,/, ''), 'base64');
    assert.ok(qr.startsWith('data:image/png;base64,') && png.subarray(1, 4).toString() === 'PNG');
    assert.equal(await h.prisma.user.count({ where: { username: 'alice' } }), 0, 'no user before the code is proven');

    const user = await enrol(h.url, 'alice', { ip: '10.1.0.1', cookie: registrationCookie(start) });
    secrets.push(...user.secrets, qr_url);
    assert.equal(user.recoveryCodes.length, 10);
    assert.equal(new Set(user.recoveryCodes).size, 10);
    for (const code of user.recoveryCodes) assert.match(code, RECOVERY_CODE);

    const status2 = await post(h.url, '/status', {}, { cookie: user.cookie });
    assert.deepEqual(status2.body, { data: { status: 'user', username: 'alice', role: 'viewer' }, status: 'success', error: null });
    assert.deepEqual((await post(h.url, '/auth_start', { username: 'alice' })).body.data, { status: 'user', username: 'alice' });

    const row = await h.prisma.user.findUniqueOrThrow({ where: { username: 'alice' } });
    assert.ok(!row.totp_secret.includes(user.app.secret), 'the TOTP secret is encrypted at rest');
    assert.match(row.totp_secret, /^[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    assert.equal(row.recovery_codes.length, 10);
    for (const hash of row.recovery_codes) assert.match(hash, /^[0-9a-f]{64}$/);
    assert.equal(await h.prisma.pendingRegistration.count({ where: { username: 'alice' } }), 0);
  });

  it('refuses registration with a wrong code, and of a taken name', async () => {
    const start = await post(h.url, '/auth_start', { username: 'bruno' }, { ip: '10.2.0.1' });
    secrets.push(start.body.data.qr_url, registrationCookie(start));
    const wrong = await post(h.url, '/register', { username: 'bruno', code: '000000' }, { ip: '10.2.0.1', cookie: registrationCookie(start) });
    assert.equal(wrong.http, 401);
    assert.equal(wrong.body.error, 'InvalidCode');
    assert.deepEqual(wrong.setCookies, []);
    const taken = await post(h.url, '/register', { username: 'alice', code: '123456' }, { ip: '10.2.0.1' });
    assert.equal(taken.http, 409);
    assert.equal(taken.body.error, 'UserExists');
  });

  it('sets the session cookie HttpOnly, SameSite=Strict, Path=/, for the session TTL; Secure over TLS', async () => {
    const user = await enrol(h.url, 'carla', { ip: '10.3.0.1', https: true });
    secrets.push(...user.secrets);
    const tls = user.registered.setCookies.find((c) => c.startsWith('seats_session='))!;
    const attributes = tls.split(';').map((part) => part.trim());
    assert.ok(attributes.includes('HttpOnly'), tls);
    assert.ok(attributes.includes('SameSite=Strict'), tls);
    assert.ok(attributes.includes('Path=/'), tls);
    assert.ok(attributes.includes('Secure'), tls);
    assert.ok(attributes.includes(`Max-Age=${5 * 24 * 3600}`), tls);

    const plain = await enrol(h.url, 'carla2', { ip: '10.3.0.2' });
    secrets.push(...plain.secrets);
    const code = plain.app.nextCode();
    const login = await post(h.url, '/login', { username: 'carla2', code }, { ip: '10.3.0.2' });
    const header = login.setCookies.find((c) => c.startsWith('seats_session='))!;
    assert.ok(header.includes('HttpOnly') && header.includes('SameSite=Strict'), header);
    assert.ok(!/;\s*Secure/i.test(header), `no Secure over plain HTTP: ${header}`);
    secrets.push(code, sessionCookie(login));
  });

  it('logs in with the next code, and refuses a replayed code inside its 30 s', async () => {
    const user = await enrol(h.url, 'dora', { ip: '10.4.0.1' });
    secrets.push(...user.secrets);
    const registeredStep = (await h.prisma.user.findUniqueOrThrow({ where: { username: 'dora' } })).last_totp_step;
    // The code that registered is spent: its step is the last accepted one.
    const replayRegistration = await post(h.url, '/login', { username: 'dora', code: user.registrationCode }, { ip: '10.4.0.1' });
    assert.equal(replayRegistration.http, 401);
    assert.equal(replayRegistration.body.error, 'InvalidCode');

    const code = user.app.nextCode();
    secrets.push(code);
    const login = await post(h.url, '/login', { username: 'dora', code }, { ip: '10.4.0.1' });
    assert.equal(login.http, 200, JSON.stringify(login.body));
    assert.deepEqual(login.body.data, { status: 'user', username: 'dora', role: 'viewer' });
    secrets.push(sessionCookie(login));
    const step = (await h.prisma.user.findUniqueOrThrow({ where: { username: 'dora' } })).last_totp_step;
    assert.ok(step > registeredStep);

    const replay = await post(h.url, '/login', { username: 'dora', code }, { ip: '10.4.0.2' });
    assert.equal(replay.http, 401);
    assert.equal(replay.body.error, 'InvalidCode');
    assert.deepEqual(replay.setCookies, []);
  });

  it('lets exactly one of several simultaneous logins with the same code through', async () => {
    const user = await enrol(h.url, 'emil', { ip: '10.5.0.1' });
    const code = user.app.nextCode();
    secrets.push(...user.secrets, code);
    // Four: each in-flight attempt counts against the name's limit of five until it settles.
    const results = await Promise.all([1, 2, 3, 4].map((i) => post(h.url, '/login', { username: 'emil', code }, { ip: `10.5.0.${i + 1}` })));
    const outcomes = results.map((r) => r.body.error ?? 'success').sort();
    assert.deepEqual(outcomes, ['InvalidCode', 'InvalidCode', 'InvalidCode', 'success']);
  });

  it('refuses a wrong code and an unknown user with typed errors', async () => {
    const user = await enrol(h.url, 'fritz', { ip: '10.6.0.1' });
    secrets.push(...user.secrets);
    const wrong = await post(h.url, '/login', { username: 'fritz', code: wrongCode(user.app.nextCode()) }, { ip: '10.6.0.1' });
    assert.equal(wrong.http, 401);
    assert.deepEqual(wrong.body.error, 'InvalidCode');
    assert.deepEqual(wrong.setCookies, []);
    const unknown = await post(h.url, '/login', { username: 'nobody_here', code: '123456' }, { ip: '10.6.0.1' });
    assert.equal(unknown.http, 404);
    assert.equal(unknown.body.error, 'UserNotFound');
  });

  it('limits wrong codes per username (from any address) to 5 per 15 minutes, with retry_after', async () => {
    const user = await enrol(h.url, 'gina', { ip: '10.7.0.1' });
    secrets.push(...user.secrets);
    for (let i = 0; i < 5; i++) {
      const wrong = await post(h.url, '/login', { username: 'gina', code: wrongCode(user.app.code()) }, { ip: `10.7.1.${i}` });
      assert.equal(wrong.body.error, 'InvalidCode');
    }
    const code = user.app.nextCode();
    const limited = await post(h.url, '/login', { username: 'gina', code }, { ip: '10.7.2.1' });
    assert.equal(limited.http, 429);
    assert.equal(limited.body.error, 'TooManyLoginAttempts');
    assert.ok(limited.body.data.retry_after > 880 && limited.body.data.retry_after <= 900, JSON.stringify(limited.body));
    assert.deepEqual(limited.setCookies, [], 'even the right code is refused while limited');
    // Another user from one of those addresses is not affected.
    const other = await enrol(h.url, 'gina_friend', { ip: '10.7.1.0' });
    secrets.push(...other.secrets, code);
  });

  it('limits wrong codes per address, whatever the username', async () => {
    const ip = '10.8.0.1';
    for (let i = 0; i < 5; i++) {
      const wrong = await post(h.url, '/login', { username: `spray_${i}`, code: '123456' }, { ip });
      assert.equal(wrong.body.error, 'UserNotFound');
    }
    const limited = await post(h.url, '/login', { username: 'alice', code: '123456' }, { ip });
    assert.equal(limited.body.error, 'TooManyLoginAttempts');
    assert.ok(limited.body.data.retry_after > 0);
    const fromElsewhere = await post(h.url, '/login', { username: 'spray_0', code: '123456' }, { ip: '10.8.0.2' });
    assert.equal(fromElsewhere.body.error, 'UserNotFound');
  });

  it('a recovery code logs in once, in either case', async () => {
    const user = await enrol(h.url, 'hanna', { ip: '10.9.0.1' });
    secrets.push(...user.secrets);
    const [first, second] = user.recoveryCodes as [string, string];
    const login = await post(h.url, '/login', { username: 'hanna', code: first }, { ip: '10.9.0.1' });
    assert.equal(login.http, 200, JSON.stringify(login.body));
    assert.deepEqual(login.body.data, { status: 'user', username: 'hanna', role: 'viewer' });
    secrets.push(sessionCookie(login));
    const again = await post(h.url, '/login', { username: 'hanna', code: first }, { ip: '10.9.0.1' });
    assert.equal(again.body.error, 'InvalidCode');
    const upper = await post(h.url, '/login', { username: 'hanna', code: second.toUpperCase() }, { ip: '10.9.0.1' });
    assert.equal(upper.body.status, 'success');
    secrets.push(sessionCookie(upper));
    const row = await h.prisma.user.findUniqueOrThrow({ where: { username: 'hanna' } });
    assert.equal(row.recovery_codes.length, 8);
    // Each recovery-code login is a warning (a lost phone, or a stolen code), without the code.
    const warnings = h.logs.lines.filter((line) => line.includes('logged in with a recovery code') && line.includes('hanna'));
    assert.equal(warnings.length, 2, h.logs.text());
    for (const line of warnings) {
      assert.equal(JSON.parse(line).level, 'warn', line);
      assertNoSecretIn(line, [first, second, second.toUpperCase()]);
    }
    // Someone else's code is not a code for this account.
    const alice = await h.prisma.user.findUniqueOrThrow({ where: { username: 'alice' } });
    assert.equal(alice.recovery_codes.length, 10);
  });

  it('renews recovery codes for a logged-in user with a fresh code; the old ones stop working', async () => {
    const user = await enrol(h.url, 'ivan', { ip: '10.10.0.1' });
    secrets.push(...user.secrets);
    const anonymous = await post(h.url, '/recovery_codes', { code: '123456' }, { ip: '10.10.0.1' });
    assert.equal(anonymous.http, 401);
    assert.equal(anonymous.body.error, 'Unauthorized');
    const code = user.app.nextCode();
    const renewed = await post(h.url, '/recovery_codes', { code }, { ip: '10.10.0.1', cookie: user.cookie });
    assert.equal(renewed.http, 200, JSON.stringify(renewed.body));
    const codes: string[] = renewed.body.data.recovery_codes;
    secrets.push(code, ...codes);
    assert.equal(codes.length, 10);
    assert.equal(codes.filter((c) => user.recoveryCodes.includes(c)).length, 0);
    const replayed = await post(h.url, '/recovery_codes', { code }, { ip: '10.10.0.1', cookie: user.cookie });
    assert.equal(replayed.body.error, 'InvalidCode', 'the fresh code is spent too');
    const old = await post(h.url, '/login', { username: 'ivan', code: user.recoveryCodes[0] }, { ip: '10.10.0.1' });
    assert.equal(old.body.error, 'InvalidCode');
    const fresh = await post(h.url, '/login', { username: 'ivan', code: codes[0] }, { ip: '10.10.0.1' });
    assert.equal(fresh.body.status, 'success');
    secrets.push(sessionCookie(fresh));
  });

  it('an expired registration cannot be finished; a new auth_start gives a new secret', async () => {
    const start = await post(h.url, '/auth_start', { username: 'jana' }, { ip: '10.11.0.1' });
    const uri: string = start.body.data.qr_url;
    const pending = await h.prisma.pendingRegistration.findUniqueOrThrow({ where: { username: 'jana' } });
    const ttl = pending.expires_at.getTime() - pending.created_at.getTime();
    assert.ok(Math.abs(ttl - 10 * 60 * 1000) < 1000, `expires after 10 minutes, not ${ttl} ms`);
    await h.prisma.pendingRegistration.update({ where: { username: 'jana' }, data: { expires_at: new Date(Date.now() - 1000) } });
    const code = new Authenticator(uri).code();
    const late = await post(h.url, '/register', { username: 'jana', code }, { ip: '10.11.0.1', cookie: registrationCookie(start) });
    assert.equal(late.http, 404);
    assert.equal(late.body.error, 'RegistrationNotFound');
    // Expired, the name is free again: for any browser, here one without the cookie.
    const again = await post(h.url, '/auth_start', { username: 'jana' }, { ip: '10.11.0.2' });
    assert.equal(again.body.data.status, 'candidate', JSON.stringify(again.body));
    assert.notEqual(new Authenticator(again.body.data.qr_url).secret, new Authenticator(uri).secret);
    assert.notEqual(registrationCookie(again), registrationCookie(start));
    secrets.push(uri, again.body.data.qr_url, code, registrationCookie(start), registrationCookie(again));
  });

  it('auth_reset cancels a pending registration and clears its cookie', async () => {
    const start = await post(h.url, '/auth_start', { username: 'kai' }, { ip: '10.12.0.1' });
    const cookie = registrationCookie(start);
    secrets.push(start.body.data.qr_url, cookie);
    const reset = await post(h.url, '/auth_reset', { username: 'kai' }, { ip: '10.12.0.1', cookie });
    assert.deepEqual(reset.body, { data: null, status: 'success', error: null });
    assert.match(attributesOf(reset.setCookies, 'seats_registration').join(';'), /^seats_registration=;.*Expires=Thu, 01 Jan 1970/);
    const late = await post(h.url, '/register', { username: 'kai', code: new Authenticator(start.body.data.qr_url).code() }, { ip: '10.12.0.1', cookie });
    assert.equal(late.body.error, 'RegistrationNotFound');
    const again = await post(h.url, '/auth_reset', { username: 'kai' }, { ip: '10.12.0.1', cookie });
    assert.equal(again.body.error, 'RegistrationNotFound', 'nothing left to cancel');
  });

  it('auth_start sets the registration cookie HttpOnly, SameSite=Strict, Path=/api, for 10 minutes; Secure over TLS; stores only its hash', async () => {
    const tls = await post(h.url, '/auth_start', { username: 'kurt' }, { ip: '10.12.1.1', https: true });
    const attributes = attributesOf(tls.setCookies, 'seats_registration');
    for (const flag of ['HttpOnly', 'SameSite=Strict', 'Path=/api', 'Secure', 'Max-Age=600']) assert.ok(attributes.includes(flag), `${flag}: ${attributes.join('; ')}`);
    const nonce = registrationCookie(tls).split('=')[1]!;
    assert.match(nonce, /^[A-Za-z0-9_-]{43}$/, '256 random bits');
    const row = await h.prisma.pendingRegistration.findUniqueOrThrow({ where: { username: 'kurt' } });
    assert.equal(row.nonce_hash, createHash('sha256').update(nonce).digest('hex'));
    const plain = await post(h.url, '/auth_start', { username: 'kurt2' }, { ip: '10.12.1.2' });
    assert.ok(!attributesOf(plain.setCookies, 'seats_registration').includes('Secure'), 'no Secure over plain HTTP');
    // An existing user's auth_start starts nothing, so it sets no cookie.
    assert.deepEqual((await post(h.url, '/auth_start', { username: 'alice' }, { ip: '10.12.1.3' })).setCookies, []);
    secrets.push(tls.body.data.qr_url, plain.body.data.qr_url, nonce, registrationCookie(plain).split('=')[1]!);
  });

  it('a pending registration belongs to the browser that started it: others cannot replace, cancel or finish it', async () => {
    const start = await post(h.url, '/auth_start', { username: 'olga' }, { ip: '10.16.0.1' });
    const owner = registrationCookie(start);
    const app = new Authenticator(start.body.data.qr_url);
    const before = await h.prisma.pendingRegistration.findUniqueOrThrow({ where: { username: 'olga' } });
    const stranger = registrationCookie(await post(h.url, '/auth_start', { username: 'olga_stranger' }, { ip: '10.16.0.2' }));
    secrets.push(start.body.data.qr_url, owner, stranger);

    for (const cookie of [undefined, stranger, 'seats_registration=not-a-nonce']) {
      const hijack = await post(h.url, '/auth_start', { username: 'olga' }, { ip: '10.16.0.2', cookie });
      assert.equal(hijack.http, 409);
      assert.equal(hijack.body.error, 'RegistrationPending');
      const cancel = await post(h.url, '/auth_reset', { username: 'olga' }, { ip: '10.16.0.2', cookie });
      assert.equal(cancel.http, 404);
      assert.equal(cancel.body.error, 'RegistrationNotFound');
      // Even the right code is never looked at without the owner's cookie.
      const finish = await post(h.url, '/register', { username: 'olga', code: app.code() }, { ip: '10.16.0.2', cookie });
      assert.equal(finish.body.error, 'RegistrationNotFound');
    }
    assert.deepEqual(await h.prisma.pendingRegistration.findUniqueOrThrow({ where: { username: 'olga' } }), before, 'untouched');
    assert.equal(await h.prisma.loginFailure.count({ where: { key: 'user:olga' } }), 0);

    // The owner may restart (a new secret, the same cookie) and then finish.
    const restart = await post(h.url, '/auth_start', { username: 'OLGA' }, { ip: '10.16.0.1', cookie: owner });
    assert.equal(restart.body.data.status, 'candidate');
    assert.equal(restart.body.data.username, 'olga');
    assert.equal(registrationCookie(restart), owner);
    const restarted = new Authenticator(restart.body.data.qr_url);
    assert.notEqual(restarted.secret, app.secret);
    const code = restarted.nextCode();
    const registered = await post(h.url, '/register', { username: 'olga', code }, { ip: '10.16.0.1', cookie: owner });
    assert.equal(registered.body.status, 'success', JSON.stringify(registered.body));
    assert.match(attributesOf(registered.setCookies, 'seats_registration').join(';'), /^seats_registration=;/, 'the registration cookie is cleared');
    secrets.push(restart.body.data.qr_url, code, sessionCookie(registered), ...registered.body.data.recovery_codes);
  });

  it('treats usernames case-insensitively: one account, stored and reported in lower case', async () => {
    const user = await enrol(h.url, 'Pia_Case', { ip: '10.17.0.1' });
    secrets.push(...user.secrets);
    assert.equal(user.registered.body.data.username, 'pia_case');
    assert.deepEqual((await post(h.url, '/auth_start', { username: 'PIA_CASE' }, { ip: '10.17.0.1' })).body.data, { status: 'user', username: 'pia_case' });
    const code = user.app.nextCode();
    const login = await post(h.url, '/login', { username: 'pIA_cASE', code }, { ip: '10.17.0.1' });
    assert.deepEqual(login.body.data, { status: 'user', username: 'pia_case', role: 'viewer' });
    secrets.push(code, sessionCookie(login));
    assert.deepEqual((await h.prisma.user.findMany({ where: { username: { equals: 'pia_case', mode: 'insensitive' } } })).map((u) => u.username), ['pia_case']);
  });

  it('refuses forged, expired, unsigned, RS256, HS512 and tampered session tokens', async () => {
    const user = await enrol(h.url, 'lena', { ip: '10.13.0.1' });
    secrets.push(...user.secrets);
    const row = await h.prisma.user.findUniqueOrThrow({ where: { username: 'lena' } });
    const claims = { userId: row.id, role: row.role, sessionVersion: row.session_version };
    for (const [name, forge] of Object.entries(forgedTokens)) {
      const token = forge(h.config.jwtSecret!, claims);
      secrets.push(token);
      const status = await post(h.url, '/status', {}, { cookie: `seats_session=${token}` });
      assert.deepEqual(status.body.data, { status: 'guest' }, name);
      assert.ok(status.setCookies.some((c) => /^seats_session=;/.test(c)), `${name}: the bad cookie is cleared`);
      const upgrade = { headers: { cookie: `seats_session=${token}` } } as IncomingMessage;
      assert.equal(await h.module.authenticate(upgrade), null, name);
      const renew = await post(h.url, '/recovery_codes', { code: '123456' }, { cookie: `seats_session=${token}`, ip: '10.13.0.2' });
      assert.equal(renew.body.error, 'Unauthorized', name);
    }
    const genuine = { headers: { cookie: `other=1; ${user.cookie}` } } as IncomingMessage;
    assert.deepEqual(await h.module.authenticate(genuine), { userId: row.id, username: 'lena', role: 'viewer', sessionVersion: row.session_version });
  });

  it('logout kills the cookie and every other session of the user, and clears it', async () => {
    const user = await enrol(h.url, 'mona', { ip: '10.14.0.1' });
    const code = user.app.nextCode();
    const second = await post(h.url, '/login', { username: 'mona', code }, { ip: '10.14.0.1' });
    const otherCookie = sessionCookie(second);
    secrets.push(...user.secrets, code, otherCookie);
    const logout = await post(h.url, '/logout', {}, { cookie: user.cookie });
    assert.deepEqual(logout.body.data, { status: 'guest', success: true });
    const cleared = logout.setCookies.find((c) => c.startsWith('seats_session='))!;
    assert.match(cleared, /^seats_session=;/);
    assert.match(cleared, /Expires=Thu, 01 Jan 1970/);
    for (const cookie of [user.cookie, otherCookie]) {
      assert.deepEqual((await post(h.url, '/status', {}, { cookie })).body.data, { status: 'guest' });
    }
    assert.equal(await h.module.authenticate({ headers: { cookie: otherCookie } } as IncomingMessage), null);
    // Logging out without a session is harmless.
    assert.equal((await post(h.url, '/logout', {})).body.status, 'success');
  });

  it('answers every malformed input with a typed 4xx error, never a 500', async () => {
    const cases: [string, unknown][] = [
      ['/auth_start', {}],
      ['/auth_start', { username: 'ab' }],
      ['/auth_start', { username: 'x'.repeat(33) }],
      ['/auth_start', { username: 'bad name' }],
      ['/auth_start', { username: 'ünïcode' }],
      ['/auth_start', { username: 42 }],
      ['/auth_start', ['alice']],
      ['/auth_start', null],
      ['/register', { username: 'alice' }],
      ['/register', { username: 'alice', code: '12345' }],
      ['/register', { username: 'alice', code: '1234567' }],
      ['/register', { username: 'alice', code: 'abcdef' }],
      ['/register', { username: 'alice', code: 123456 }],
      ['/login', { username: 'alice', code: 'abcd-efgh-ijkl' }],
      ['/login', { username: 'alice', code: 'abcd-efgh-ijkl-mno1' }],
      ['/login', { username: 'alice', code: '' }],
      ['/login', { username: 'alice', code: { $gt: '' } }],
      ['/recovery_codes', { code: 'abcd-efgh-ijkl-mnop' }],
      ['/auth_reset', { username: '../etc' }],
    ];
    for (const [path, body] of cases) {
      const result = await post(h.url, path, body, { ip: '10.15.0.1' });
      assert.equal(result.http, 400, `${path} ${JSON.stringify(body)}: ${JSON.stringify(result.body)}`);
      assert.equal(result.body.error, 'ValidationError');
      assert.equal(result.body.status, 'error');
    }
    const notJson = await post(h.url, '/login', null, { rawBody: '{"username":', ip: '10.15.0.1' });
    assert.equal(notJson.body.error, 'ValidationError');
    const huge = await post(h.url, '/login', null, { rawBody: JSON.stringify({ username: 'x'.repeat(20_000) }), ip: '10.15.0.1' });
    assert.equal(huge.http, 413);
    assert.equal(huge.body.error, 'MessageTooLarge');
  });

  it('refuses state-changing requests from a foreign Origin', async () => {
    const foreign = await post(h.url, '/auth_start', { username: 'nina' }, { origin: 'http://evil.example' });
    assert.equal(foreign.http, 403);
    assert.equal(foreign.body.error, 'OriginNotAllowed');
    assert.equal(await h.prisma.pendingRegistration.count({ where: { username: 'nina' } }), 0);
    const own = await post(h.url, '/auth_start', { username: 'nina' }, { origin: h.url });
    assert.equal(own.body.data.status, 'candidate');
    secrets.push(own.body.data.qr_url);
  });

  it('never writes a secret, code, recovery code or token to the log', async () => {
    const logs = h.logs.text();
    assert.ok(h.logs.lines.length > 20, 'the flows above were logged');
    assert.match(logs, /logged in/);
    const everything = [...secrets, h.config.jwtSecret!, h.config.totpEncryptionKey!.toString('hex'), h.config.totpEncryptionKey!.toString('base64')];
    const sealed = await h.prisma.user.findMany({ select: { totp_secret: true, recovery_codes: true } });
    everything.push(...sealed.flatMap((row) => [row.totp_secret, ...row.recovery_codes]));
    assertNoSecretIn(logs, everything);
  });
});
