// Which browser a socket belongs to, so that a login over HTTP can upgrade that browser's
// open sockets (and nobody else's) in place. The WebSocket handshake gives a browser
// without one a random `seats_browser` cookie (HttpOnly, SameSite=Strict, Path=/, Secure
// over TLS); the login request later carries the same cookie. Holding a browser's value
// would let a socket receive that browser's next login, so it is a 256-bit secret that
// page scripts cannot read and other sites cannot send, and the server keeps and
// announces only its SHA-256 (the "browser key"). Over TLS it is `__Host-seats_browser`:
// the prefix makes the browser refuse it unless Secure, Path=/ and host-only, so a sibling
// subdomain or a plain-http page cannot plant a value it knows (the unprefixed name is then
// not read at all).
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';

export const BROWSER_COOKIE = 'seats_browser';
const SECURE_BROWSER_COOKIE = `__Host-${BROWSER_COOKIE}`;
/** A year: the cookie names the browser, not a session, and carries no rights by itself. */
const BROWSER_COOKIE_MAX_AGE_S = 365 * 24 * 3600;
const VALUE = /^[A-Za-z0-9_-]{43}$/;

/** The key of the browser that sent `request`, or null without a well-formed cookie. `secure`: it came over TLS. */
export function browserKeyOf(request: IncomingMessage, secure: boolean): string | null {
  const value = readCookie(request, secure ? SECURE_BROWSER_COOKIE : BROWSER_COOKIE);
  return value !== null && VALUE.test(value) ? keyOf(value) : null;
}

/** A new browser id: the cookie to set on the handshake and the key to file the socket under. */
export function newBrowserId(secure: boolean): { key: string; setCookie: string } {
  const value = randomBytes(32).toString('base64url');
  const setCookie = serializeCookie(secure ? SECURE_BROWSER_COOKIE : BROWSER_COOKIE, value, {
    path: '/',
    maxAge: BROWSER_COOKIE_MAX_AGE_S,
    httpOnly: true,
    sameSite: 'strict',
    secure,
  });
  return { key: keyOf(value), setCookie };
}

function keyOf(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

function readCookie(request: IncomingMessage, name: string): string | null {
  const header = request.headers.cookie;
  return header ? (parseCookies(header)[name] ?? null) : null;
}
