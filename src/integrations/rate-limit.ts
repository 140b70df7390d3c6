// A token bucket per integration token: `rate_limit` calls a minute, with the same burst. The
// clock is injected, so tests refill it by advancing time instead of sleeping.
import type { Clock } from '../service/clock.js';

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly clock: Clock) {}

  /** Takes one call from `key`'s bucket; the answer is the seconds to wait when it is empty. */
  take(key: string, perMinute: number): { ok: true } | { ok: false; retryAfter: number } {
    const now = this.clock.now().getTime();
    const b = this.buckets.get(key) ?? { tokens: perMinute, at: now };
    b.tokens = Math.min(perMinute, b.tokens + ((now - b.at) * perMinute) / 60_000);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfter: Math.max(1, Math.ceil(((1 - b.tokens) * 60) / perMinute)) };
  }
}
