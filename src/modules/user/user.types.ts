// The user module's inputs (HTTP bodies and socket messages) and the status it reports.
// These schemas are the one source for validation, types and docs/protocol.md.
import { z } from 'zod';
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

export const loginCodeSchema = z.union([totpCodeSchema, recoveryCodeSchema], {
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
export const subscribeData = z.union([z.null(), z.object({})]);
export const unsubscribeData = z.union([z.null(), z.object({ sub_eid: z.string().min(1).max(128).optional() })]);
export const setRoleData = z.object({ username: usernameSchema, role: roleSchema });
export const listData = z.union([z.null(), z.object({})]);

export type UserStatus = { status: 'guest' } | { status: 'user'; username: string; role: Role };

export const GUEST: UserStatus = Object.freeze({ status: 'guest' });

export function userStatus(user: { username: string; role: Role }): UserStatus {
  return { status: 'user', username: user.username, role: user.role };
}

/** A row of user.list, for the admin page. */
export interface UserSummary {
  username: string;
  role: Role;
  created_at: Date;
  last_login_at: Date | null;
}
