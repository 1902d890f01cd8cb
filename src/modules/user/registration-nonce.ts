// The secret that ties a pending registration to the browser that started it. The
// browser holds it in an HttpOnly cookie; the database holds only its SHA-256, so a
// database read does not let anyone finish or cancel somebody's registration.
import { createHash, randomBytes } from 'node:crypto';

const NONCE_BYTES = 32;
const NONCE_FORMAT = /^[A-Za-z0-9_-]{43}$/;

export function createRegistrationNonce(): string {
  return randomBytes(NONCE_BYTES).toString('base64url');
}

/** The nonce as the client sent it, or null when it is missing or not one of ours. */
export function parseRegistrationNonce(value: string | null): string | null {
  return value !== null && NONCE_FORMAT.test(value) ? value : null;
}

export function hashRegistrationNonce(nonce: string): string {
  return createHash('sha256').update(nonce, 'utf8').digest('hex');
}
