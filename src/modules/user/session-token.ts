// The session token carried by the cookie: a JWT signed with HS256 and JWT_SECRET.
// Verification pins the algorithm, so a token whose header says `none` or RS256 (the
// classic key-confusion attack, where the HMAC secret is tried as a public key) is
// refused before its signature is even looked at. The claims are a hint for clients;
// authority is the user row: the caller checks `sv` against session_version and reads
// the role from the database.
import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import type { Role } from '../../core/session.js';
import { roleSchema } from './user.types.js';

const ALGORITHM = 'HS256';

const claimsSchema = z.object({
  sub: z.string().regex(/^[1-9]\d{0,9}$/),
  role: roleSchema,
  /** session_version at login; logout and revocation bump the row, killing this token. */
  sv: z.number().int().min(0),
  exp: z.number().int(),
});

/**
 * jsonwebtoken given a string first tries to parse it as a public key, which throws:
 * ~1 ms per socket upgrade in profiles. A secret KeyObject skips that. Memoised per
 * secret (one per process in practice).
 */
const keys = new Map<string, KeyObject>();
function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = createSecretKey(Buffer.from(secret, 'utf8'))));
  return key;
}

export interface SessionClaims {
  userId: number;
  role: Role;
  sessionVersion: number;
}

export function signSessionToken(secret: string, claims: SessionClaims, ttlSeconds: number): string {
  return jwt.sign({ role: claims.role, sv: claims.sessionVersion }, keyOf(secret), {
    algorithm: ALGORITHM,
    subject: String(claims.userId),
    expiresIn: ttlSeconds,
  });
}

/** The claims of a valid, unexpired token signed with `secret`; null for anything else. */
export function verifySessionToken(secret: string, token: string): SessionClaims | null {
  let payload: unknown;
  try {
    payload = jwt.verify(token, keyOf(secret), { algorithms: [ALGORITHM] });
  } catch {
    return null;
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) return null;
  return { userId: Number(claims.data.sub), role: claims.data.role, sessionVersion: claims.data.sv };
}
