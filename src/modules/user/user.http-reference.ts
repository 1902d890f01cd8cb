// The HTTP login endpoints as docs/protocol.md lists them: the same body schemas the
// routes parse with, so the reference follows the code.
import type { z } from 'zod';
import type { ErrorCode } from '../../core/errors.js';
import { authResetBody, authStartBody, emptyBody, loginBody, recoveryCodesBody, registerBody } from './user.types.js';

export interface HttpEndpoint {
  path: string;
  body: z.ZodType;
  who: string;
  reply: string;
  description: string;
  errors: ErrorCode[];
}

const LIMITED: ErrorCode[] = ['InvalidCode', 'TooManyLoginAttempts'];

export const USER_HTTP_ENDPOINTS: HttpEndpoint[] = [
  {
    path: '/api/user/auth_start',
    body: authStartBody,
    who: 'anyone',
    reply: '{status: "user", username} | {status: "candidate", username, qr_url, qr} + registration cookie',
    description:
      'Existing user: log in next. New name: a pending registration (10 minutes) with the `otpauth://` URI and its QR code as a PNG data URL, bound to this browser by the `seats_registration` cookie (HttpOnly, SameSite=Strict, Path=/api so that the original client\'s `/api//user/register` gets it too, Secure over TLS; only its SHA-256 is stored). The same browser may restart it; another browser cannot until it expires. Usernames are lower-cased.',
    errors: ['ValidationError', 'RegistrationPending'],
  },
  {
    path: '/api/user/register',
    body: registerBody,
    who: 'the browser that started the registration (its `seats_registration` cookie)',
    reply: '{status: "user", username, role, recovery_codes: string[10]} + session cookie; the registration cookie is cleared',
    description:
      'Finishes the registration with a code from the app; the recovery codes are shown this once. Wrong codes count against the registration cookie and the address, not the username.',
    errors: ['ValidationError', 'RegistrationNotFound', 'UserExists', ...LIMITED],
  },
  {
    path: '/api/user/login',
    body: loginBody,
    who: 'anyone',
    reply: '{status: "user", username, role} + session cookie',
    description: 'A current TOTP code (each accepted once) or an unused recovery code (then spent).',
    errors: ['ValidationError', 'UserNotFound', ...LIMITED],
  },
  {
    path: '/api/user/auth_reset',
    body: authResetBody,
    who: 'the browser that started the registration (its `seats_registration` cookie)',
    reply: 'null; the registration cookie is cleared',
    description: 'Cancels a pending registration.',
    errors: ['ValidationError', 'RegistrationNotFound'],
  },
  {
    path: '/api/user/logout',
    body: emptyBody,
    who: 'anyone',
    reply: '{status: "guest", success: true}',
    description: 'Ends every session of the user (all sockets are downgraded live, on every instance) and clears the cookie.',
    errors: [],
  },
  {
    path: '/api/user/status',
    body: emptyBody,
    who: 'anyone',
    reply: '{status: "guest"} | {status: "user", username, role}',
    description: 'Who the cookie belongs to.',
    errors: [],
  },
  {
    path: '/api/user/recovery_codes',
    body: recoveryCodesBody,
    who: 'a logged-in user, with a fresh TOTP code',
    reply: '{recovery_codes: string[10]}',
    description: 'Replaces the recovery codes.',
    errors: ['ValidationError', 'Unauthorized', ...LIMITED],
  },
];
