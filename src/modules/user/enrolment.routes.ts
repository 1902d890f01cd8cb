// POST /api/user/* for the one-time enrolment links: the first admin's setup link and
// re-enrolment. Descriptors like user.routes.ts (docs/openapi.yaml and docs/protocol.md
// come from them), bound to the user and re-enrolment services.
import type { ErrorCode } from '../../core/errors.js';
import { defineRoute, handleRoute, type Route } from '../../core/http/route.js';
import {
  enrolledReplySchema,
  reenrolBody,
  reenrolRecoveryBody,
  reenrolScanReplySchema,
  reenrolStartBody,
  reenrolTokenReplySchema,
  setupRegisterBody,
} from './enrolment.types.js';
import type { Reenrolment } from './reenrolment.service.js';
import { parseRegistrationNonce } from './registration-nonce.js';
import { readRegistrationCookie, REGISTRATION_COOKIE, registrationCookieOptions } from './session-cookie.js';
import { clientIp, type StartSession } from './user.routes.js';
import type { UserService } from './user.service.js';

const LIMITED: ErrorCode[] = ['InvalidCode', 'TooManyLoginAttempts'];
const LINK_HOLDER = "the holder of a re-enrolment token (an admin's link `/staff#reenrol=<token>`, or `reenrol_recovery`)";

export const enrolmentRouteDescriptors = {
  setupRegister: defineRoute({
    method: 'post',
    path: '/api/user/setup_register',
    summary: 'Finish the first admin\'s registration',
    description:
      'Like `register`, and spends the one-time setup link the server logged at start on a database with no admin (`/staff#setup=<token>`, valid 1 hour, stored as SHA-256): the new user is admin. Refused once used, expired, replaced, or when an admin exists. Sets the session cookie and reaches this browser\'s open sockets like `login`. Audited (`first_admin_enrolled`).',
    who: 'the browser that started the registration (its `seats_registration` cookie), holding the first-admin setup link',
    body: setupRegisterBody,
    reply: enrolledReplySchema,
    errors: ['RegistrationNotFound', 'UserExists', 'InvalidLink', ...LIMITED],
  }),
  reenrolRecovery: defineRoute({
    method: 'post',
    path: '/api/user/reenrol_recovery',
    summary: 'Begin a new authenticator with a recovery code',
    description:
      'Spends the recovery code for a re-enrolment token (10 minutes) for `reenrol_start` and `reenrol`: at once the old TOTP secret stops working and every session ends (open sockets become guests, on every instance). Unspent recovery codes keep working until `reenrol` replaces them. Limited like `login`; audited (`reenrol_started_with_recovery_code`).',
    who: "anyone with one of the user's recovery codes",
    body: reenrolRecoveryBody,
    reply: reenrolTokenReplySchema,
    errors: ['UserNotFound', ...LIMITED],
  }),
  reenrolStart: defineRoute({
    method: 'post',
    path: '/api/user/reenrol_start',
    summary: 'Show the new authenticator\'s secret',
    description: 'A fresh TOTP secret to scan (the `otpauth://` URI and its QR code as a PNG data URL); calling again replaces it.',
    who: LINK_HOLDER,
    body: reenrolStartBody,
    reply: reenrolScanReplySchema,
    errors: ['InvalidLink'],
  }),
  reenrol: defineRoute({
    method: 'post',
    path: '/api/user/reenrol',
    summary: 'Finish a re-enrolment',
    description:
      'Proves the scanned secret with a code: the token is spent, the new secret and recovery codes replace the old ones, every earlier session stays ended. Sets the session cookie and reaches this browser\'s open sockets like `login`. Wrong codes count against the token and the address. Audited (`reenrolled`).',
    who: LINK_HOLDER,
    body: reenrolBody,
    reply: enrolledReplySchema,
    errors: ['InvalidLink', ...LIMITED],
  }),
} as const;

export function createEnrolmentRoutes(service: UserService, reenrolment: Reenrolment, startSession: StartSession): Route[] {
  const d = enrolmentRouteDescriptors;
  return [
    // Finishes a registration begun with auth_start, spending the setup link: the user is admin.
    handleRoute(d.setupRegister, async (request, response, { username, code, setup_token }) => {
      const nonce = parseRegistrationNonce(readRegistrationCookie(request));
      const registered = await service.register(username, code, clientIp(request), nonce, setup_token);
      startSession(request, response, registered);
      response.clearCookie(REGISTRATION_COOKIE, registrationCookieOptions(request.secure));
      return { ...registered.status, recovery_codes: registered.recoveryCodes };
    }),
    handleRoute(d.reenrolRecovery, (request, _response, { username, recovery_code }) =>
      reenrolment.startWithRecoveryCode(username, recovery_code, clientIp(request)),
    ),
    handleRoute(d.reenrolStart, (_request, _response, { token }) => reenrolment.scan(token)),
    handleRoute(d.reenrol, async (request, response, { token, code }) => {
      const done = await reenrolment.finish(token, code, clientIp(request));
      startSession(request, response, done);
      return { ...done.status, recovery_codes: done.recoveryCodes };
    }),
  ];
}
