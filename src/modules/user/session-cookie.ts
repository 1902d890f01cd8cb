// The session cookie. HttpOnly: page scripts (and so XSS) cannot read the token.
// SameSite=Strict: no other site's page can make the browser send it. Secure whenever
// the request arrived over TLS, directly or through a proxy TRUST_PROXY vouches for.
//
// The registration cookie binds a pending registration to the browser that started it
// (auth_start sets it, register and auth_reset need it): same flags, but only sent to
// /api and only for as long as a registration lives. /api, not /api/user: the original
// client posts to /api//user/register, which a Path=/api/user cookie does not match.
import type { IncomingMessage } from 'node:http';
import type { CookieOptions } from 'express';

export const SESSION_COOKIE = 'seats_session';
export const REGISTRATION_COOKIE = 'seats_registration';

export function sessionCookieOptions(secure: boolean, ttlSeconds?: number): CookieOptions {
  const options: CookieOptions = { httpOnly: true, sameSite: 'strict', path: '/', secure };
  // express takes milliseconds and writes both Max-Age and Expires.
  if (ttlSeconds !== undefined) options.maxAge = ttlSeconds * 1000;
  return options;
}

export function registrationCookieOptions(secure: boolean, ttlSeconds?: number): CookieOptions {
  return { ...sessionCookieOptions(secure, ttlSeconds), path: '/api' };
}

/**
 * The session cookie's value from a raw request: used both by the HTTP routes and by the
 * WebSocket upgrade, which never passes through express.
 */
export function readSessionCookie(request: IncomingMessage): string | null {
  return readCookie(request, SESSION_COOKIE);
}

export function readRegistrationCookie(request: IncomingMessage): string | null {
  return readCookie(request, REGISTRATION_COOKIE);
}

function readCookie(request: IncomingMessage, name: string): string | null {
  const header = request.headers.cookie;
  if (!header) return null;
  for (const pair of header.split(';')) {
    const separator = pair.indexOf('=');
    if (separator < 0 || pair.slice(0, separator).trim() !== name) continue;
    const value = pair.slice(separator + 1).trim();
    try {
      return decodeURIComponent(value);
    } catch {
      return null;
    }
  }
  return null;
}
