import { LRUCache } from 'lru-cache';
import type { RateDecision, TokenBucketOptions } from './types.js';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Token buckets keyed by client (usually the client IP). Memory is bounded: only the
 * `maxClients` most recently seen clients are tracked, and a forgotten client simply
 * starts again with a full bucket, which errs on the side of serving.
 */
export class TokenBucketLimiter {
  private readonly buckets: LRUCache<string, Bucket>;
  private readonly now: () => number;

  constructor(private readonly options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be > 0');
    if (!(options.burst >= 1)) throw new RangeError('burst must be >= 1');
    this.buckets = new LRUCache({ max: options.maxClients ?? 100_000 });
    this.now = options.now ?? Date.now;
  }

  take(client: string, cost = 1): RateDecision {
    const now = this.now();
    const { ratePerSecond, burst } = this.options;
    let bucket = this.buckets.get(client);
    if (!bucket) {
      bucket = { tokens: burst, updatedAt: now };
      this.buckets.set(client, bucket);
    } else {
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * ratePerSecond);
      bucket.updatedAt = now;
    }
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return { allowed: true, retryAfterSeconds: 0 };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((cost - bucket.tokens) / ratePerSecond)) };
  }
}
