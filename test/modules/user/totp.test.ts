import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTotpSecret, matchTotpStep, totpUri } from '../../../src/modules/user/totp.js';
import { Authenticator, base32Decode, totpCode } from './authenticator.js';

describe('totp', () => {
  it('test authenticator matches the RFC 6238 appendix B vector', () => {
    // SHA1 seed "12345678901234567890", T = 59 s -> 94287082 (8 digits).
    assert.equal(totpCode(Buffer.from('12345678901234567890'), 1, 8), '94287082');
  });

  it('makes 160-bit secrets and a URI with issuer, SHA1, 6 digits and 30 s', async () => {
    const secret = await createTotpSecret();
    assert.equal(base32Decode(secret).length, 20);
    const url = new URL(await totpUri('alice_1', secret));
    assert.equal(url.protocol, 'otpauth:');
    assert.equal(url.host, 'totp');
    assert.equal(decodeURIComponent(url.pathname), '/Seats Sync:alice_1');
    assert.equal(url.searchParams.get('issuer'), 'Seats Sync');
    assert.equal(url.searchParams.get('secret'), secret);
    assert.equal(url.searchParams.get('algorithm'), 'SHA1');
    assert.equal(url.searchParams.get('digits'), '6');
    assert.equal(url.searchParams.get('period'), '30');
    assert.notEqual(await createTotpSecret(), secret);
  });

  it('accepts one step either side of now and nothing further', async () => {
    const app = new Authenticator(await totpUri('bob', await createTotpSecret()));
    const now = Date.now();
    const step = app.currentStep(now);
    assert.equal(await matchTotpStep(app.secret, app.code(step), 0, now), step);
    assert.equal(await matchTotpStep(app.secret, app.code(step - 1), 0, now), step - 1);
    assert.equal(await matchTotpStep(app.secret, app.code(step + 1), 0, now), step + 1);
    assert.equal(await matchTotpStep(app.secret, app.code(step - 2), 0, now), null);
    assert.equal(await matchTotpStep(app.secret, app.code(step + 2), 0, now), null);
  });

  it('never accepts a code from the last accepted step or an older one', async () => {
    const app = new Authenticator(await totpUri('carol', await createTotpSecret()));
    const now = Date.now();
    const step = app.currentStep(now);
    assert.equal(await matchTotpStep(app.secret, app.code(step), step, now), null);
    assert.equal(await matchTotpStep(app.secret, app.code(step - 1), step, now), null);
    assert.equal(await matchTotpStep(app.secret, app.code(step + 1), step, now), step + 1);
    // A last step beyond the window (the clock went back) rejects everything, without throwing.
    assert.equal(await matchTotpStep(app.secret, app.code(step + 1), step + 5, now), null);
  });

  it('refuses a wrong code', async () => {
    const app = new Authenticator(await totpUri('dave', await createTotpSecret()));
    const right = app.code();
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    assert.equal(await matchTotpStep(app.secret, wrong, 0), null);
  });
});
