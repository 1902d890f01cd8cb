// The contract of the one-time enrolment links: the first admin's setup link and
// re-enrolment (a new authenticator for an existing user). Same rules as user.types.ts.
import { z } from 'zod';
import { timestampSchema } from '../../core/protocol/schemas.js';
import { recoveryCodeSchema, registerReplySchema, totpCodeSchema, usernameSchema } from './user.types.js';

/** The token in a link's fragment: 32 random bytes, base64url (enrolment-link.ts). */
export const linkTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be the token from the link');

// HTTP bodies (POST /api/user/...)
export const setupRegisterBody = z.object({ username: usernameSchema, code: totpCodeSchema, setup_token: linkTokenSchema });
export const reenrolRecoveryBody = z.object({ username: usernameSchema, recovery_code: recoveryCodeSchema });
export const reenrolStartBody = z.object({ token: linkTokenSchema });
export const reenrolBody = z.object({ token: linkTokenSchema, code: totpCodeSchema });

// HTTP replies
export const reenrolTokenReplySchema = z.strictObject({ token: linkTokenSchema });
export const reenrolScanReplySchema = z.strictObject({
  username: z.string(),
  qr_url: z.string().startsWith('otpauth://'),
  qr: z.string().startsWith('data:image/png;base64,'),
});
/** Signed in with the new authenticator, and its recovery codes (shown this once). */
export const enrolledReplySchema = registerReplySchema;

// Socket messages
export const reenrolLinkData = z.object({ username: usernameSchema });
export const reenrolLinkReplySchema = z.strictObject({
  username: z.string(),
  path: z.string().regex(/^\/staff#reenrol=[A-Za-z0-9_-]{43}$/),
  expires_at: timestampSchema,
});
