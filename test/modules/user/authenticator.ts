// What an authenticator app does with a scanned otpauth:// URI, written from RFC 6238 /
// RFC 4226 with node:crypto rather than with the server's own TOTP library (as
// test/support/auth.ts does, which is fine for other modules): here a misconfigured
// server (wrong algorithm, digits, period, secret encoding) has to fail the tests.
import { createHmac } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export class Authenticator {
  readonly secret: string;
  readonly period: number;
  private lastUsedStep = -1;

  constructor(readonly uri: string) {
    const url = new URL(uri);
    if (url.protocol !== 'otpauth:' || url.host !== 'totp') throw new Error(`not a TOTP URI: ${uri}`);
    this.secret = url.searchParams.get('secret') ?? '';
    this.period = Number(url.searchParams.get('period') ?? 30);
  }

  currentStep(nowMs = Date.now()): number {
    return Math.floor(nowMs / 1000 / this.period);
  }

  /** The code for a time step (default: now). */
  code(step = this.currentStep()): string {
    return totpCode(base32Decode(this.secret), step);
  }

  /**
   * A code from a step newer than any this helper handed out before: the current one,
   * or the next one (still inside the server's +1 window) instead of waiting 30 s.
   */
  nextCode(): string {
    const step = Math.max(this.currentStep(), this.lastUsedStep + 1);
    if (step > this.currentStep() + 1) throw new Error('no fresh code inside the window; use another user');
    this.lastUsedStep = step;
    return this.code(step);
  }
}

/** RFC 4226 section 5.3: HMAC-SHA1 over the 8-byte counter, dynamic truncation, 6 digits. */
export function totpCode(key: Buffer, step: number, digits = 6): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

export function base32Decode(text: string): Buffer {
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const char of text.replace(/=+$/, '').toUpperCase()) {
    const index = BASE32.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${char}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}
