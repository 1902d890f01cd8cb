// The key format and its check. `ssk_<public id>_<secret>`: the public id (64 random
// bits, hex) finds the row, the secret (256 random bits, base64url) is checked against
// the stored SHA-256 in constant time. A slow hash would add nothing: nobody guesses 256
// random bits, and it would cost CPU on every request.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const KEY_PATTERN = /^ssk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface NewKey {
  key: string;
  publicId: string;
  secretHash: Buffer;
}

export function generateApiKey(): NewKey {
  const publicId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { key: `ssk_${publicId}_${secret}`, publicId, secretHash: hashSecret(secret) };
}

/** The parts of a well-formed key, or null. */
export function parseApiKey(key: string): { publicId: string; secret: string } | null {
  const match = KEY_PATTERN.exec(key);
  return match ? { publicId: match[1]!, secret: match[2]! } : null;
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

export function secretMatches(secret: string, storedHash: Uint8Array): boolean {
  const hash = hashSecret(secret);
  return storedHash.length === hash.length && timingSafeEqual(hash, storedHash);
}

/** What admins see of a key: enough to tell it apart, nothing that authenticates. */
export function keyPrefix(publicId: string): string {
  return `ssk_${publicId}`;
}
