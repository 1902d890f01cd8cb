// Standard Webhooks signatures (https://www.standardwebhooks.com, "Signature scheme"):
// secret "whsec_" + base64 of the key bytes; each request carries webhook-id,
// webhook-timestamp (Unix seconds) and webhook-signature "v1,<base64 HMAC-SHA256 of
// `${id}.${timestamp}.${body}`>" (space-separated when several). docs/webhooks.md shows the
// check a receiver does.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'whsec_';
/** 24 bytes (192 bits): what the spec's reference libraries generate. */
const KEY_BYTES = 24;

/** The key bytes of a whsec_ secret, or null when it is not one (24 to 64 bytes). */
export function secretKey(secret: string): Buffer | null {
  if (!secret.startsWith(PREFIX)) return null;
  const body = secret.slice(PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return null;
  const key = Buffer.from(body, 'base64');
  return key.length >= KEY_BYTES && key.length <= 64 ? key : null;
}

export function generateWebhookSecret(): string {
  return PREFIX + randomBytes(KEY_BYTES).toString('base64');
}

export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = secretKey(secret);
  if (!key) throw new Error('not a whsec_ secret');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** The receiver's side, for tests and docs: true when one of the v1 signatures matches. */
export function verifyWebhook(secret: string, headers: { id: string; timestamp: string; signature: string }, body: string): boolean {
  const expected = Buffer.from(signWebhook(secret, headers.id, Number(headers.timestamp), body));
  return headers.signature.split(' ').some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
