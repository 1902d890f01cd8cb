// A token bucket per API key on this instance: `ratePerSecond` tokens a second, up to
// `burst`. Per instance, not shared: a key spread over N instances gets up to N times the
// rate, which bounds the load each instance takes from one key (the point of it) without
// a database write per request.
export interface RateLimiterOptions {
  ratePerSecond: number;
  burst: number;
  /** Milliseconds; injected by tests. */
  now?: () => number;
}

/** Buckets idle this long are full again and forgotten (memory bounded by active keys). */
const IDLE_MS = 60_000;

export class KeyRateLimiter {
  private readonly buckets = new Map<number, { tokens: number; at: number }>();
  private readonly now: () => number;
  private lastSweep = 0;

  constructor(private readonly options: RateLimiterOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  /** Takes a token: 0 when allowed, else the milliseconds until one is there. */
  take(keyId: number): number {
    const now = this.now();
    this.sweep(now);
    const { ratePerSecond, burst } = this.options;
    const bucket = this.buckets.get(keyId) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond);
    bucket.at = now;
    this.buckets.set(keyId, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) / ratePerSecond) * 1000);
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < IDLE_MS) return;
    this.lastSweep = now;
    for (const [id, bucket] of this.buckets) if (now - bucket.at > IDLE_MS) this.buckets.delete(id);
  }
}
