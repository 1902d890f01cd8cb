// The one-time enrolment link endpoints (enrolment.routes.ts) as docs/protocol.md lists them.
import type { ErrorCode } from '../../core/errors.js';
import { reenrolBody, reenrolRecoveryBody, reenrolStartBody, setupRegisterBody } from './enrolment.types.js';
import type { HttpEndpoint } from './user.http-reference.js';

const LIMITED: ErrorCode[] = ['InvalidCode', 'TooManyLoginAttempts'];

export const ENROLMENT_HTTP_ENDPOINTS: HttpEndpoint[] = [
  {
    path: '/api/user/setup_register',
    body: setupRegisterBody,
    who: 'the browser that started the registration, holding the first-admin setup link',
    reply: '{status: "user", username, role: "admin", recovery_codes: string[10]} + session cookie; the registration cookie is cleared',
    description:
      'Like `register`, and spends the one-time setup link the server logged at start on a database with no admin (`/staff#setup=<token>`, valid 1 hour, stored as SHA-256): the new user is admin. Refused once used, expired, replaced, or when an admin exists. Audited (`first_admin_enrolled`).',
    errors: ['ValidationError', 'RegistrationNotFound', 'UserExists', 'InvalidLink', ...LIMITED],
  },
  {
    path: '/api/user/reenrol_recovery',
    body: reenrolRecoveryBody,
    who: 'anyone with one of the user\'s recovery codes',
    reply: '{token}: the re-enrolment token for `reenrol_start` and `reenrol` (10 minutes)',
    description:
      'Spends the recovery code to begin a new authenticator: at once the old TOTP secret stops working and every session ends (open sockets become guests, on every instance). Unspent recovery codes keep working until `reenrol` replaces them. Limited like `login`; audited (`reenrol_started_with_recovery_code`).',
    errors: ['ValidationError', 'UserNotFound', ...LIMITED],
  },
  {
    path: '/api/user/reenrol_start',
    body: reenrolStartBody,
    who: 'the holder of a re-enrolment token (an admin\'s link `/staff#reenrol=<token>`, or `reenrol_recovery`)',
    reply: '{username, qr_url, qr}',
    description: 'A fresh TOTP secret to scan; calling again replaces it.',
    errors: ['ValidationError', 'InvalidLink'],
  },
  {
    path: '/api/user/reenrol',
    body: reenrolBody,
    who: 'the holder of a re-enrolment token',
    reply: '{status: "user", username, role, recovery_codes: string[10]} + session cookie',
    description:
      'Proves the scanned secret with a code: the token is spent, the new secret and recovery codes replace the old ones, every earlier session stays ended. Wrong codes count against the token and the address. Audited (`reenrolled`).',
    errors: ['ValidationError', 'InvalidLink', ...LIMITED],
  },
];
