import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { signSessionToken, verifySessionToken } from '../../../src/modules/user/session-token.js';
import { forgedTokens } from './forged-tokens.js';

const SECRET = 'a'.repeat(48);
const claims = { userId: 7, role: 'viewer', sessionVersion: 3 } as const;

describe('session token', () => {
  it('carries sub, role, sv and exp, signed with HS256', () => {
    const token = signSessionToken(SECRET, claims, 3600);
    assert.deepEqual(verifySessionToken(SECRET, token), claims);
    const decoded = jwt.decode(token, { complete: true });
    assert.equal(decoded?.header.alg, 'HS256');
    const payload = decoded?.payload as Record<string, unknown>;
    assert.equal(payload.sub, '7');
    assert.equal(payload.sv, 3);
    assert.equal(payload.role, 'viewer');
    assert.equal(Number(payload.exp) - Number(payload.iat), 3600);
  });

  for (const [name, make] of Object.entries(forgedTokens)) {
    it(`rejects a token that is ${name}`, () => {
      assert.equal(verifySessionToken(SECRET, make(SECRET, claims)), null);
    });
  }

  it('rejects garbage and claims of the wrong shape', () => {
    assert.equal(verifySessionToken(SECRET, 'not.a.jwt'), null);
    assert.equal(verifySessionToken(SECRET, ''), null);
    const noSv = jwt.sign({ role: 'admin' }, SECRET, { algorithm: 'HS256', subject: '7', expiresIn: 60 });
    assert.equal(verifySessionToken(SECRET, noSv), null);
    const badRole = jwt.sign({ role: 'root', sv: 0 }, SECRET, { algorithm: 'HS256', subject: '7', expiresIn: 60 });
    assert.equal(verifySessionToken(SECRET, badRole), null);
  });

  it('an RS256 key pair cannot stand in for the secret', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const token = jwt.sign({ role: 'admin', sv: 0 }, privateKey, { algorithm: 'RS256', subject: '7', expiresIn: 60 });
    assert.equal(verifySessionToken(SECRET, token), null);
  });
});
