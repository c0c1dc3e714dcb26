/**
 * Token buckets by key (docs/reliability.md, "Limits"): each key may take `burst` tokens at
 * once, refilled at `ratePerSecond`. Pure: the time comes from the injected `now`.
 *
 * Memory is bounded: at most `maxKeys` buckets are kept, least recently used first out. An
 * evicted bucket starts full when its key comes back, which is what an idle key would have
 * refilled to anyway.
 *
 * @module
 */

interface Bucket {
  tokens: number;
  /** `now()` when `tokens` was last brought up to date. */
  at: number;
}

export interface TokenBucketOptions {
  ratePerSecond: number;
  burst: number;
  /** Milliseconds, monotonic. */
  now: () => number;
  maxKeys: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly opts: TokenBucketOptions) {}

  /**
   * Takes one token from `key`'s bucket: 0 when taken, otherwise the milliseconds until a token
   * is back (nothing is taken then).
   */
  take(key: string): number {
    const { ratePerSecond, burst, maxKeys } = this.opts;
    const now = this.opts.now();
    let bucket = this.buckets.get(key);
    if (bucket) {
      this.buckets.delete(key); // re-inserted below: the Map's order is the LRU order
      const refill = (Math.max(0, now - bucket.at) * ratePerSecond) / 1000;
      bucket.tokens = Math.min(burst, bucket.tokens + refill);
      bucket.at = now;
    } else {
      bucket = { tokens: burst, at: now };
    }
    this.buckets.set(key, bucket);
    if (this.buckets.size > maxKeys) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - bucket.tokens) * 1000) / ratePerSecond));
  }

  /** Buckets held now. */
  get size(): number {
    return this.buckets.size;
  }
}
