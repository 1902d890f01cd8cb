// The session cookie. HttpOnly: page scripts (and so XSS) cannot read the token.
// SameSite=Strict: no other site's page can make the browser send it. Secure whenever
// the request arrived over TLS, directly or through a proxy TRUST_PROXY vouches for.
import type { IncomingMessage } from 'node:http';
import type { CookieOptions } from 'express';

export const SESSION_COOKIE = 'seats_session';

export function sessionCookieOptions(secure: boolean, ttlSeconds?: number): CookieOptions {
  const options: CookieOptions = { httpOnly: true, sameSite: 'strict', path: '/', secure };
  // express takes milliseconds and writes both Max-Age and Expires.
  if (ttlSeconds !== undefined) options.maxAge = ttlSeconds * 1000;
  return options;
}

/**
 * The session cookie's value from a raw request: used both by the HTTP routes and by the
 * WebSocket upgrade, which never passes through express.
 */
export function readSessionCookie(request: IncomingMessage): string | null {
  const header = request.headers.cookie;
  if (!header) return null;
  for (const pair of header.split(';')) {
    const separator = pair.indexOf('=');
    if (separator < 0 || pair.slice(0, separator).trim() !== SESSION_COOKIE) continue;
    const value = pair.slice(separator + 1).trim();
    try {
      return decodeURIComponent(value);
    } catch {
      return null;
    }
  }
  return null;
}
