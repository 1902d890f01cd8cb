// POST /api/user/* for the one-time enrolment links: the first admin's setup link and
// re-enrolment. Mounted beside user.routes.ts, with its body parsing and address rules.
import { Router, type Request, type Response } from 'express';
import { sendSuccess } from '../../core/http/reply.js';
import type { Reenrolment } from './reenrolment.service.js';
import { parseRegistrationNonce } from './registration-nonce.js';
import {
  readRegistrationCookie,
  REGISTRATION_COOKIE,
  registrationCookieOptions,
  SESSION_COOKIE,
  sessionCookieOptions,
} from './session-cookie.js';
import { reenrolBody, reenrolRecoveryBody, reenrolStartBody, setupRegisterBody } from './enrolment.types.js';
import { clientIp, parse } from './user.routes.js';
import type { SignedIn, UserService } from './user.service.js';

export function createEnrolmentRoutes(service: UserService, reenrolment: Reenrolment, sessionTtlSeconds: number): Router {
  const router = Router();

  function setSession(request: Request, response: Response, signedIn: SignedIn): void {
    response.cookie(SESSION_COOKIE, signedIn.token, sessionCookieOptions(request.secure, sessionTtlSeconds));
  }

  // Finishes a registration begun with auth_start, spending the setup link: the user is admin.
  router.post('/setup_register', async (request, response) => {
    const { username, code, setup_token } = parse(setupRegisterBody, request.body);
    const nonce = parseRegistrationNonce(readRegistrationCookie(request));
    const registered = await service.register(username, code, clientIp(request), nonce, setup_token);
    setSession(request, response, registered);
    response.clearCookie(REGISTRATION_COOKIE, registrationCookieOptions(request.secure));
    sendSuccess(response, { ...registered.status, recovery_codes: registered.recoveryCodes });
  });

  router.post('/reenrol_recovery', async (request, response) => {
    const { username, recovery_code } = parse(reenrolRecoveryBody, request.body);
    sendSuccess(response, await reenrolment.startWithRecoveryCode(username, recovery_code, clientIp(request)));
  });

  router.post('/reenrol_start', async (request, response) => {
    const { token } = parse(reenrolStartBody, request.body);
    sendSuccess(response, await reenrolment.scan(token));
  });

  router.post('/reenrol', async (request, response) => {
    const { token, code } = parse(reenrolBody, request.body);
    const done = await reenrolment.finish(token, code, clientIp(request));
    setSession(request, response, done);
    sendSuccess(response, { ...done.status, recovery_codes: done.recoveryCodes });
  });

  return router;
}
