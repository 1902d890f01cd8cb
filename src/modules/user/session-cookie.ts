// The session cookie. HttpOnly: page scripts (and so XSS) cannot read the token.
// SameSite=Strict: no other site's page can make the browser send it. Secure whenever
// the request arrived over TLS, directly or through a proxy TRUST_PROXY vouches for.
//
// The registration cookie binds a pending registration to the browser that started it
// (auth_start sets it, register and auth_reset need it): same flags, but only sent to
// /api and only for as long as a registration lives. /api, not /api/user: the original
// client posts to /api//user/register, which a Path=/api/user cookie does not match.
import type { IncomingMessage } from 'node:http';
import { parse as parseCookies } from 'cookie';
import type { CookieOptions, Request } from 'express';

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

/** The session cookie of an HTTP route's request (parsed by the app's cookie-parser). */
export function readSessionCookie(request: Request): string | null {
  return cookieOf(request, SESSION_COOKIE);
}

export function readRegistrationCookie(request: Request): string | null {
  return cookieOf(request, REGISTRATION_COOKIE);
}

/** The session cookie of a WebSocket upgrade, which never passes through express and its cookie-parser. */
export function readUpgradeSessionCookie(request: IncomingMessage): string | null {
  const header = request.headers.cookie;
  return header ? (parseCookies(header)[SESSION_COOKIE] ?? null) : null;
}

function cookieOf(request: Request, name: string): string | null {
  const value: unknown = request.cookies?.[name];
  return typeof value === 'string' ? value : null;
}
