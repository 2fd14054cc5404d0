// Token buckets: each key (a learner, an address) may send `burst` requests at once and then one
// every `1000 / perSecond` ms. A room's pages report a few times a minute; a loop or a script
// sending hundreds is slowed down with 429 and Retry-After instead of filling the trainer's disk.

export interface Limit {
  burst: number;
  perSecond: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private buckets = new Map<string, Bucket>();

  constructor(
    private limit: Limit,
    private now: () => number = Date.now,
    /** Past this many keys, full (idle) buckets are dropped so memory stays bounded. */
    private maxKeys = 10_000,
  ) {}

  /** Takes one token: 0 when allowed, else the seconds to wait before a token is there. */
  take(key: string): number {
    const now = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.limit.burst, at: now };
    b.tokens = Math.min(this.limit.burst, b.tokens + ((now - b.at) / 1000) * this.limit.perSecond);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      this.buckets.set(key, b);
      if (this.buckets.size > this.maxKeys) this.sweep();
      return 0;
    }
    this.buckets.set(key, b);
    return Math.max(1, Math.ceil((1 - b.tokens) / this.limit.perSecond));
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.limit.perSecond >= this.limit.burst) this.buckets.delete(key);
    }
  }
}
