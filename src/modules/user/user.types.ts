// The user module's wire contract: inputs (HTTP bodies and socket messages) and the
// replies and pushes, with the types derived from them.
import { z } from 'zod';
import { timestampSchema } from '../../core/protocol/schemas.js';
import type { Role } from '../../core/session.js';

export const roleSchema = z.enum(['viewer', 'staff', 'admin']);

/**
 * Accepted in either case and lower-cased here, at the edge (HTTP bodies, socket messages,
 * the command line), so `ALICE` and `alice` are one account and every layer below sees
 * one spelling.
 */
export const usernameSchema = z
  .string()
  .regex(/^[a-zA-Z0-9_-]{3,32}$/, 'must be 3-32 letters, digits, _ or -')
  .toLowerCase();

/** The 6-digit code an authenticator app shows. */
export const totpCodeSchema = z.string().regex(/^\d{6}$/, 'must be 6 digits');

/**
 * A one-time recovery code, as shown at registration: four groups of four base32
 * characters (80 bits). Accepted in either case; compared in lower case.
 */
export const recoveryCodeSchema = z
  .string()
  .regex(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/i, 'must look like abcd-efgh-ijkl-mnop')
  .transform((code) => code.toLowerCase());

const loginCodeSchema = z.union([totpCodeSchema, recoveryCodeSchema], {
  error: 'must be a 6-digit code or a recovery code',
});

// HTTP bodies (POST /api/user/...)
export const authStartBody = z.object({ username: usernameSchema });
export const registerBody = z.object({ username: usernameSchema, code: totpCodeSchema });
export const loginBody = z.object({ username: usernameSchema, code: loginCodeSchema });
export const authResetBody = z.object({ username: usernameSchema });
export const recoveryCodesBody = z.object({ code: totpCodeSchema });
/** logout and status take no parameters; any JSON object (or none) is accepted. */
export const emptyBody = z.object({}).default({});

// Socket messages (`data` of user.*)
export const unsubscribeData = z.union([z.null(), z.object({ sub_eid: z.string().min(1).max(128).optional() })]);
export const setRoleData = z.object({ username: usernameSchema, role: roleSchema });

// Replies and pushes
export const guestStatusSchema = z.strictObject({ status: z.literal('guest') });
export const loggedOutSchema = z.strictObject({ status: z.literal('guest'), success: z.literal(true) });
export const signedInStatusSchema = z.strictObject({ status: z.literal('user'), username: z.string(), role: roleSchema });
export const userStatusSchema = z.discriminatedUnion('status', [guestStatusSchema, signedInStatusSchema]);
export type UserStatus = z.output<typeof userStatusSchema>;

export function userStatus(user: { username: string; role: Role }): UserStatus {
  return { status: 'user', username: user.username, role: user.role };
}

export const userRoleSchema = z.strictObject({ username: z.string(), role: roleSchema });

/** A row of user.list, for the admin page. */
const userSummarySchema = z.strictObject({
  username: z.string(),
  role: roleSchema,
  created_at: timestampSchema,
  last_login_at: timestampSchema.nullable(),
});
export type UserSummary = z.output<typeof userSummarySchema>;
export const userListSchema = z.strictObject({ users: z.array(userSummarySchema) });

// HTTP replies
export const authStartReplySchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('user'), username: z.string() }),
  z.strictObject({ status: z.literal('candidate'), username: z.string(), qr_url: z.string().startsWith('otpauth://'), qr: z.string().startsWith('data:image/png;base64,') }),
]);
export type AuthStartReply = z.output<typeof authStartReplySchema>;
const recoveryCodes = z.array(z.string()).length(10);
export const registerReplySchema = z.strictObject({ ...signedInStatusSchema.shape, recovery_codes: recoveryCodes });
export const recoveryCodesReplySchema = z.strictObject({ recovery_codes: recoveryCodes });
