import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { clientIp, compileTrustProxy } from '../../../src/core/http/client-ip.js';

function request(peer: string, forwardedFor?: string): IncomingMessage {
  return { socket: { remoteAddress: peer }, connection: { remoteAddress: peer }, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} } as unknown as IncomingMessage;
}

describe('client address', () => {
  it('ignores X-Forwarded-For when no proxy is trusted', () => {
    assert.equal(clientIp(request('10.0.0.5', '1.2.3.4'), compileTrustProxy(undefined)), '10.0.0.5');
  });

  it('takes the address one trusted hop from the right, not what the client wrote on the left', () => {
    // The client sent "X-Forwarded-For: 6.6.6.6"; the proxy appended the real peer 5.5.5.5.
    assert.equal(clientIp(request('127.0.0.1', '6.6.6.6, 5.5.5.5'), compileTrustProxy('1')), '5.5.5.5');
    assert.equal(clientIp(request('127.0.0.1', '6.6.6.6, 5.5.5.5'), compileTrustProxy('loopback')), '5.5.5.5');
  });

  it('does not believe a proxy that is not on the trusted list', () => {
    assert.equal(clientIp(request('203.0.113.9', '6.6.6.6'), compileTrustProxy('loopback')), '203.0.113.9');
  });
});
