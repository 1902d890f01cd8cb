// AES-256-GCM for secrets at rest (TOTP secrets, webhook signing secrets): a database
// dump alone does not let anyone mint codes or sign webhooks. Stored as
// "iv:tag:ciphertext" (base64). The owner (username, webhook) is bound in as associated
// data, so a ciphertext copied onto another row does not decrypt there.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
/** 96-bit IVs, the size GCM is defined for (NIST SP 800-38D 5.2.1.1); random per seal. */
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function sealSecret(key: Buffer, owner: string, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(owner, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), data].map((part) => part.toString('base64')).join(':');
}

/** Throws when the box was tampered with, sealed for another owner or with another key. */
export function openSecret(key: Buffer, owner: string, sealed: string): string {
  const [iv, tag, data] = sealed.split(':').map((part) => Buffer.from(part, 'base64'));
  if (!iv || !tag || !data || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new Error('malformed sealed secret');
  const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(owner, 'utf8'));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
}
