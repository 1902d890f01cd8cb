import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { compileTrustProxy } from '../../../src/core/http/client-ip.js';
import { isOriginAllowed } from '../../../src/core/http/origin.js';

function request(headers: Record<string, string>, options: { encrypted?: boolean; peer?: string } = {}): IncomingMessage {
  return { headers, socket: { encrypted: options.encrypted, remoteAddress: options.peer ?? '127.0.0.1' } } as unknown as IncomingMessage;
}

const sameOrigin = { allowedOrigins: [], publicUrl: undefined };
const noProxy = compileTrustProxy(undefined);

describe('origin check', () => {
  it('accepts the same scheme, host and port, and no Origin at all (not a browser)', () => {
    assert.equal(isOriginAllowed(request({ host: 'seats.local:3000', origin: 'http://seats.local:3000' }), sameOrigin, noProxy), true);
    assert.equal(isOriginAllowed(request({ host: 'seats.local:3000' }), sameOrigin, noProxy), true);
    assert.equal(isOriginAllowed(request({ host: 'seats.local', origin: 'https://seats.local' }, { encrypted: true }), sameOrigin, noProxy), true);
  });

  it('refuses a foreign host, another port, "null" and the other scheme', () => {
    for (const origin of ['http://evil.example', 'http://seats.local:3001', 'null', 'https://seats.local:3000', 'http://seats.local:3000@evil']) {
      assert.equal(isOriginAllowed(request({ host: 'seats.local:3000', origin }), sameOrigin, noProxy), false, origin);
    }
    assert.equal(isOriginAllowed(request({ host: 'seats.local', origin: 'http://seats.local' }, { encrypted: true }), sameOrigin, noProxy), false);
  });

  it('believes X-Forwarded-Proto only from a trusted proxy', () => {
    const headers = { host: 'seats.example', origin: 'https://seats.example', 'x-forwarded-proto': 'https' };
    assert.equal(isOriginAllowed(request(headers), sameOrigin, compileTrustProxy('loopback')), true);
    assert.equal(isOriginAllowed(request(headers), sameOrigin, noProxy), false);
  });

  it('uses ALLOWED_ORIGINS instead when it is set', () => {
    const policy = { allowedOrigins: ['https://lobby.example'], publicUrl: undefined };
    assert.equal(isOriginAllowed(request({ host: 'seats.local', origin: 'https://lobby.example' }), policy, noProxy), true);
    assert.equal(isOriginAllowed(request({ host: 'seats.local', origin: 'http://seats.local' }), policy, noProxy), false);
  });
});
