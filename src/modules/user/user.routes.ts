// POST /api/user/* : enrolment and login over HTTP, because only an HTTP response can set
// an HttpOnly cookie. Each route is one descriptor (body and reply schemas, who, errors;
// docs/openapi.yaml and docs/protocol.md come from them) bound to the service; errors go
// to the app's error handler, which writes {data, status, error}. The app's Origin check
// has already run on every one of these POSTs.
import type { Request, Response } from 'express';
import { z } from 'zod';
import { AppError, type ErrorCode } from '../../core/errors.js';
import { defineRoute, handleRoute, type Route } from '../../core/http/route.js';
import type { Session } from '../../core/session.js';
import { parseRegistrationNonce } from './registration-nonce.js';
import {
  readRegistrationCookie,
  readSessionCookie,
  REGISTRATION_COOKIE,
  registrationCookieOptions,
  SESSION_COOKIE,
  sessionCookieOptions,
} from './session-cookie.js';
import { REGISTRATION_TTL_SECONDS, type SignedIn, type UserService } from './user.service.js';
import {
  authResetBody,
  authStartBody,
  authStartReplySchema,
  emptyBody,
  loggedOutSchema,
  loginBody,
  recoveryCodesBody,
  recoveryCodesReplySchema,
  registerBody,
  registerReplySchema,
  signedInStatusSchema,
  userStatusSchema,
} from './user.types.js';
const LIMITED: ErrorCode[] = ['InvalidCode', 'TooManyLoginAttempts'];
const REGISTERING_BROWSER = 'the browser that started the registration (its `seats_registration` cookie)';

export const userRouteDescriptors = {
  authStart: defineRoute({
    method: 'post',
    path: '/api/user/auth_start',
    summary: 'Start a login or a registration',
    description:
      'Existing user: log in next. New name: a pending registration (10 minutes) with the `otpauth://` URI and its QR code as a PNG data URL, bound to this browser by the `seats_registration` cookie (HttpOnly, SameSite=Strict, Path=/api so that the original client\'s `/api//user/register` gets it too, Secure over TLS; only its SHA-256 is stored). The same browser may restart it; another browser cannot until it expires. Usernames are lower-cased.',
    who: 'anyone',
    body: authStartBody,
    reply: authStartReplySchema,
    errors: ['RegistrationPending'],
  }),
  register: defineRoute({
    method: 'post',
    path: '/api/user/register',
    summary: 'Finish a registration',
    description:
      'Finishes the registration with a code from the app and sets the session cookie; the recovery codes are shown this once and the registration cookie is cleared. Wrong codes count against the registration cookie and the address, not the username.',
    who: REGISTERING_BROWSER,
    body: registerBody,
    reply: registerReplySchema,
    errors: ['RegistrationNotFound', 'UserExists', ...LIMITED],
  }),
  login: defineRoute({
    method: 'post',
    path: '/api/user/login',
    summary: 'Log in',
    description: 'A current TOTP code (each accepted once) or an unused recovery code (then spent). Sets the session cookie.',
    who: 'anyone',
    body: loginBody,
    reply: signedInStatusSchema,
    errors: ['UserNotFound', ...LIMITED],
  }),
  authReset: defineRoute({
    method: 'post',
    path: '/api/user/auth_reset',
    summary: 'Cancel a registration',
    description: 'Cancels a pending registration and clears the registration cookie.',
    who: REGISTERING_BROWSER,
    body: authResetBody,
    reply: z.null(),
    errors: ['RegistrationNotFound'],
  }),
  logout: defineRoute({
    method: 'post',
    path: '/api/user/logout',
    summary: 'Log out everywhere',
    description: 'Ends every session of the user (all sockets are downgraded live, on every instance) and clears the cookie.',
    who: 'anyone',
    body: emptyBody,
    // `success` for the original web client, whose server answered logout with {success: true}.
    reply: loggedOutSchema,
    errors: [],
  }),
  status: defineRoute({
    method: 'post',
    path: '/api/user/status',
    summary: 'Who am I',
    description: 'Who the cookie belongs to; a cookie that no longer opens a session is cleared.',
    who: 'anyone',
    body: emptyBody,
    reply: userStatusSchema,
    errors: [],
  }),
  recoveryCodes: defineRoute({
    method: 'post',
    path: '/api/user/recovery_codes',
    summary: 'Replace the recovery codes',
    description: 'Replaces the recovery codes; needs a fresh TOTP code.',
    who: 'a logged-in user, with a fresh TOTP code',
    body: recoveryCodesBody,
    reply: recoveryCodesReplySchema,
    errors: ['Unauthorized', ...LIMITED],
  }),
} as const;

/** Sets the session cookie of a login, registration or enrolment, and tells this browser's open sockets. */
export type StartSession = (request: Request, response: Response, signedIn: SignedIn) => void;

/**
 * `signedIn` runs after the session cookie is set: it upgrades the sockets this browser
 * has open (user.subscription.ts). Every route that sets the cookie goes through this.
 */
export function sessionStarter(sessionTtlSeconds: number, signedIn: (request: Request, session: Session) => void): StartSession {
  return (request, response, session) => {
    // request.secure: TLS here, or X-Forwarded-Proto from a proxy that TRUST_PROXY trusts.
    response.cookie(SESSION_COOKIE, session.token, sessionCookieOptions(request.secure, sessionTtlSeconds));
    signedIn(request, session.session);
  };
}

export function createUserRoutes(service: UserService, setSession: StartSession): Route[] {
  function clearSession(request: Request, response: Response): void {
    response.clearCookie(SESSION_COOKIE, sessionCookieOptions(request.secure));
  }

  function registrationNonce(request: Request): string | null {
    return parseRegistrationNonce(readRegistrationCookie(request));
  }

  function clearRegistration(request: Request, response: Response): void {
    response.clearCookie(REGISTRATION_COOKIE, registrationCookieOptions(request.secure));
  }

  function currentSession(request: Request): Promise<Session | null> {
    return service.sessionFromToken(readSessionCookie(request));
  }

  const d = userRouteDescriptors;
  return [
    handleRoute(d.authStart, async (request, response, { username }) => {
      const started = await service.authStart(username, registrationNonce(request), clientIp(request));
      if (started.registrationNonce !== undefined) {
        // Lives as long as the registration it finishes; renewed by a restart.
        response.cookie(REGISTRATION_COOKIE, started.registrationNonce, registrationCookieOptions(request.secure, REGISTRATION_TTL_SECONDS));
      }
      return started.reply;
    }),
    handleRoute(d.register, async (request, response, { username, code }) => {
      const registered = await service.register(username, code, clientIp(request), registrationNonce(request));
      setSession(request, response, registered);
      clearRegistration(request, response);
      return { ...registered.status, recovery_codes: registered.recoveryCodes };
    }),
    handleRoute(d.login, async (request, response, { username, code }) => {
      const signedIn = await service.login(username, code, clientIp(request));
      setSession(request, response, signedIn);
      return signedIn.status;
    }),
    handleRoute(d.authReset, async (request, response, { username }) => {
      await service.authReset(username, registrationNonce(request));
      clearRegistration(request, response);
      return null;
    }),
    handleRoute(d.logout, async (request, response) => {
      const session = await currentSession(request);
      if (session) await service.logout(session);
      clearSession(request, response);
      return { status: 'guest', success: true };
    }),
    handleRoute(d.status, async (request, response) => {
      const session = await currentSession(request);
      // A cookie that no longer opens a session (expired, revoked, forged) is dropped.
      if (!session && readSessionCookie(request) !== null) clearSession(request, response);
      return service.status(session);
    }),
    handleRoute(d.recoveryCodes, async (request, _response, { code }) => {
      const session = await currentSession(request);
      if (!session) throw new AppError('Unauthorized', 'log in first');
      return { recovery_codes: await service.renewRecoveryCodes(session, code, clientIp(request)) };
    }),
  ];
}

/** express sets request.ip from the socket, or from X-Forwarded-For only when TRUST_PROXY says so. */
export function clientIp(request: Request): string {
  return request.ip ?? request.socket.remoteAddress ?? 'unknown';
}
