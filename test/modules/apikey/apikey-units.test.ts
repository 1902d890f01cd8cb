// The parts of API keys that need no server: the key format and its check, the token
// bucket (on an injected clock), and the command line's parsing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseApiKeyCommand } from '../../../src/modules/apikey/apikey-commands.js';
import { generateApiKey, parseApiKey, secretMatches } from '../../../src/modules/apikey/apikey.secret.js';
import { KeyRateLimiter } from '../../../src/modules/apikey/rate-limiter.js';

describe('API key parts', () => {
  it('makes keys whose secret only the holder has: parsed back, checked against the stored hash', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    assert.notEqual(a.key, b.key);
    const parts = parseApiKey(a.key)!;
    assert.equal(parts.publicId, a.publicId);
    assert.ok(secretMatches(parts.secret, a.secretHash));
    assert.ok(!secretMatches(parseApiKey(b.key)!.secret, a.secretHash));
    assert.ok(!secretMatches(parts.secret, a.secretHash.subarray(0, 16)));
    for (const bad of ['', 'ssk_', `${a.key}x`, a.key.replace('ssk_', 'sk_'), a.key.toUpperCase(), ` ${a.key}`]) assert.equal(parseApiKey(bad), null, bad);
  });

  it('gives each key a bucket of `burst` that refills at `ratePerSecond`', () => {
    let now = 0;
    const limiter = new KeyRateLimiter({ ratePerSecond: 2, burst: 3, now: () => now });
    assert.deepEqual([1, 2, 3].map(() => limiter.take(1)), [0, 0, 0]);
    assert.equal(limiter.take(1), 500, 'the next token in half a second');
    assert.equal(limiter.take(2), 0, 'another key has its own bucket');
    now += 500;
    assert.equal(limiter.take(1), 0);
    assert.equal(limiter.take(1), 500);
    now += 60_000;
    assert.deepEqual([1, 2, 3, 4].map(() => limiter.take(1)), [0, 0, 0, 500], 'refilled up to the burst only');
  });

  it('parses the npm run api-key commands and refuses anything else', () => {
    assert.deepEqual(parseApiKeyCommand(['create', 'Box office', '--scopes', 'read,hold', '--cinemas', '2,1']), { command: 'create', name: 'Box office', scopes: ['read', 'hold'], cinema_ids: [2, 1] });
    assert.deepEqual(parseApiKeyCommand(['create', 'All', '--scopes', 'mark']), { command: 'create', name: 'All', scopes: ['mark'], cinema_ids: [] });
    assert.deepEqual(parseApiKeyCommand(['list']), { command: 'list' });
    assert.deepEqual(parseApiKeyCommand(['revoke', '7']), { command: 'revoke', id: 7 });
    for (const bad of [[], ['create'], ['create', 'x'], ['create', 'x', '--scopes', 'fly'], ['create', 'x', '--scopes', 'read', '--scopes', 'mark'], ['create', 'x', '--scopes', 'read', '--cinemas', 'one'], ['create', 'x', '--scopes', 'read,read'], ['revoke', '0'], ['revoke', '1.5'], ['revoke', '99999999999'], ['list', 'x'], ['drop']]) {
      assert.equal(parseApiKeyCommand(bad), null, JSON.stringify(bad));
    }
  });
});
