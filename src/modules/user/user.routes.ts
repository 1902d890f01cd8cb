// POST /api/user/* : enrolment and login over HTTP, because only an HTTP response can set
// an HttpOnly cookie. Each route parses its body, calls the service and shapes the
// reply; errors go to the app's error handler, which writes {data, status, error}.
// The app's Origin check has already run on every one of these POSTs.
import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { sendSuccess } from '../../core/http/reply.js';
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
import { authResetBody, authStartBody, emptyBody, loginBody, recoveryCodesBody, registerBody } from './user.types.js';

export function createUserRoutes(service: UserService, sessionTtlSeconds: number): Router {
  const router = Router();

  function setSession(request: Request, response: Response, signedIn: SignedIn): void {
    // request.secure: TLS here, or X-Forwarded-Proto from a proxy that TRUST_PROXY trusts.
    response.cookie(SESSION_COOKIE, signedIn.token, sessionCookieOptions(request.secure, sessionTtlSeconds));
  }

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

  router.post('/auth_start', async (request, response) => {
    const { username } = parse(authStartBody, request.body);
    const started = await service.authStart(username, registrationNonce(request), clientIp(request));
    if (started.registrationNonce !== undefined) {
      // Lives as long as the registration it finishes; renewed by a restart.
      response.cookie(REGISTRATION_COOKIE, started.registrationNonce, registrationCookieOptions(request.secure, REGISTRATION_TTL_SECONDS));
    }
    sendSuccess(response, started.reply);
  });

  router.post('/register', async (request, response) => {
    const { username, code } = parse(registerBody, request.body);
    const registered = await service.register(username, code, clientIp(request), registrationNonce(request));
    setSession(request, response, registered);
    clearRegistration(request, response);
    sendSuccess(response, { ...registered.status, recovery_codes: registered.recoveryCodes });
  });

  router.post('/login', async (request, response) => {
    const { username, code } = parse(loginBody, request.body);
    const signedIn = await service.login(username, code, clientIp(request));
    setSession(request, response, signedIn);
    sendSuccess(response, signedIn.status);
  });

  router.post('/auth_reset', async (request, response) => {
    const { username } = parse(authResetBody, request.body);
    await service.authReset(username, registrationNonce(request));
    clearRegistration(request, response);
    sendSuccess(response, null);
  });

  router.post('/logout', async (request, response) => {
    parse(emptyBody, request.body);
    const session = await currentSession(request);
    if (session) await service.logout(session);
    clearSession(request, response);
    sendSuccess(response, { status: 'guest' });
  });

  router.post('/status', async (request, response) => {
    parse(emptyBody, request.body);
    const session = await currentSession(request);
    // A cookie that no longer opens a session (expired, revoked, forged) is dropped.
    if (!session && readSessionCookie(request) !== null) clearSession(request, response);
    sendSuccess(response, service.status(session));
  });

  router.post('/recovery_codes', async (request, response) => {
    const { code } = parse(recoveryCodesBody, request.body);
    const session = await currentSession(request);
    if (!session) throw new AppError('Unauthorized', 'log in first');
    sendSuccess(response, { recovery_codes: await service.renewRecoveryCodes(session, code, clientIp(request)) });
  });

  return router;
}

/** express sets request.ip from the socket, or from X-Forwarded-For only when TRUST_PROXY says so. */
export function clientIp(request: Request): string {
  return request.ip ?? request.socket.remoteAddress ?? 'unknown';
}

export function parse<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  throw new AppError('ValidationError', issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '), { issues });
}
