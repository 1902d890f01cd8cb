// One-time recovery codes for a lost authenticator: ten, shown once, stored as SHA-256.
// Each code carries 80 random bits, so a plain unsalted hash is enough: there is no
// dictionary to precompute and 2^80 guesses is out of reach even offline, unlike
// passwords, which need a slow salted hash.
import { createHash, randomBytes } from 'node:crypto';

const RECOVERY_CODE_COUNT = 10;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

export interface RecoveryCodes {
  /** For the user, this once. */
  codes: string[];
  /** For the database. */
  hashes: string[];
}

export function createRecoveryCodes(): RecoveryCodes {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, createRecoveryCode);
  return { codes, hashes: codes.map(hashRecoveryCode) };
}

/** `code` as recoveryCodeSchema leaves it: lower case, with dashes. */
export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(code, 'utf8').digest('hex');
}

/** abcd-efgh-ijkl-mnop: 16 base32 characters, 5 bits each from one random byte. */
function createRecoveryCode(): string {
  const chars = [...randomBytes(16)].map((byte) => ALPHABET[byte & 31]).join('');
  return chars.match(/.{4}/g)!.join('-');
}
