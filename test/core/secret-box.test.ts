import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { openSecret, sealSecret } from '../../src/core/secret-box.js';

describe('secret box', () => {
  const key = randomBytes(32);

  it('round-trips and never stores the plaintext', () => {
    const sealed = sealSecret(key, 'alice', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    assert.ok(!sealed.includes('JBSWY3DP'));
    assert.equal(openSecret(key, 'alice', sealed), 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    assert.notEqual(sealSecret(key, 'alice', 'same'), sealSecret(key, 'alice', 'same'), 'a fresh IV per seal');
  });

  it('refuses a tampered box, another owner and another key', () => {
    const sealed = sealSecret(key, 'alice', 'secret-value');
    const [iv, tag, data] = sealed.split(':') as [string, string, string];
    const flipped = Buffer.from(data, 'base64');
    flipped[0] = flipped[0]! ^ 1;
    assert.throws(() => openSecret(key, 'alice', [iv, tag, flipped.toString('base64')].join(':')));
    assert.throws(() => openSecret(key, 'mallory', sealed));
    assert.throws(() => openSecret(randomBytes(32), 'alice', sealed));
    assert.throws(() => openSecret(key, 'alice', 'not-a-box'));
  });
});
