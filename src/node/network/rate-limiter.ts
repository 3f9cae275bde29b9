/**
 * A token bucket per peer: each peer may spend `capacity` units at once and gets `refillPerSecond`
 * back over time. Request handlers take the request's cost before doing any work, so a peer that
 * floods us with range requests is answered RateLimited instead of making us read the store.
 * Time comes from the injected `nowMs` (the node's clock), never from Date.now() here.
 */
export interface RateLimiterOptions {
  readonly capacity: number;
  readonly refillPerSecond: number;
  /** Buckets kept at most; the least recently used are forgotten (a forgotten peer starts full). */
  readonly maxPeers?: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

export class RateLimiter {
  private readonly options: Required<RateLimiterOptions>;
  private readonly nowMs: () => number;
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: RateLimiterOptions, nowMs: () => number) {
    this.options = { maxPeers: 1_024, ...options };
    this.nowMs = nowMs;
  }

  /**
   * Takes `cost` units from the peer's bucket; false (and nothing taken) when it holds fewer.
   * `capacity` (default: the limiter's) is this peer's bucket size, for limits that grow with a
   * peer's record (tx-budget.ts).
   */
  take(peer: string, cost: number, capacity = this.options.capacity): boolean {
    const now = this.nowMs();
    let bucket = this.buckets.get(peer);
    if (bucket === undefined) {
      bucket = { tokens: capacity, updatedMs: now };
    } else {
      // Re-insert so the map stays ordered by last use (for eviction).
      this.buckets.delete(peer);
      const refill = (Math.max(0, now - bucket.updatedMs) / 1000) * this.options.refillPerSecond;
      bucket.tokens = Math.min(capacity, bucket.tokens + refill);
      bucket.updatedMs = now;
    }
    this.buckets.set(peer, bucket);
    if (this.buckets.size > this.options.maxPeers) this.buckets.delete(this.buckets.keys().next().value!);
    if (bucket.tokens < cost) return false;
    bucket.tokens -= cost;
    return true;
  }

  /** Gives back units taken for work that turned out free (never above capacity; a forgotten peer is full anyway). */
  refund(peer: string, cost: number, capacity = this.options.capacity): void {
    const bucket = this.buckets.get(peer);
    if (bucket !== undefined) bucket.tokens = Math.min(capacity, bucket.tokens + cost);
  }
}
