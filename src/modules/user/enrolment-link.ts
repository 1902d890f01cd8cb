// One-time enrolment link tokens. The token travels only in the link's fragment
// (`/staff#reenrol=<token>`), which browsers send neither to the server's access log nor
// in a Referer; the database holds its SHA-256, so a database read opens no account.
// 256 random bits: a plain hash is enough (nothing to precompute, as recovery-codes.ts says).
import { createHash, randomBytes } from 'node:crypto';

/** Re-enrolment through an admin's link: time for the user to receive it and act. */
export const REENROL_LINK_TTL_SECONDS = 24 * 60 * 60;
/** Re-enrolment begun with a recovery code: the user is at the page right now. */
export const RECOVERY_REENROL_TTL_SECONDS = 10 * 60;
/** The first admin's setup link. */
export const SETUP_LINK_TTL_SECONDS = 60 * 60;

export const SETUP_SLOT = 'admin_setup';

export function reenrolSlot(userId: number): string {
  return `reenrol:${userId}`;
}

export function createLinkToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashLinkToken(token) };
}

export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function reenrolPath(token: string): string {
  return `/staff#reenrol=${token}`;
}

export function setupPath(token: string): string {
  return `/staff#setup=${token}`;
}
