/**
 * Token buckets for a target's RPM and TPM limits, as providers enforce them: a full minute of
 * burst, refilled continuously. A refused request learns how long until it would fit, which the
 * mock sends as retry-after. A rate-limit storm (the acceleration limits providers apply on sharp
 * ramps) scales the limits down for a while: `factor` in (0, 1].
 */

export class TokenBucket {
  private tokens: number;
  private last = 0;
  private readonly perMs: number;

  constructor(private readonly capacity: number) {
    this.tokens = capacity;
    this.perMs = capacity / 60_000;
  }

  private refill(now: number, factor: number): void {
    const cap = this.capacity * factor;
    if (now > this.last) {
      this.tokens = Math.min(cap, this.tokens + (now - this.last) * this.perMs * factor);
      this.last = now;
    } else if (this.tokens > cap) this.tokens = cap;
  }

  /** Ms until `amount` would be available (0 if it is now). Does not take anything. */
  waitFor(now: number, amount: number, factor = 1): number {
    this.refill(now, factor);
    const need = Math.min(amount, this.capacity * factor) - this.tokens;
    return need <= 0 ? 0 : need / (this.perMs * factor);
  }

  take(now: number, amount: number, factor = 1): void {
    this.refill(now, factor);
    this.tokens -= Math.min(amount, this.capacity * factor);
  }
}

export class RateLimiter {
  private readonly rpm?: TokenBucket;
  private readonly tpm?: TokenBucket;

  constructor(limits: { rpm?: number; tpm?: number }) {
    if (limits.rpm) this.rpm = new TokenBucket(limits.rpm);
    if (limits.tpm) this.tpm = new TokenBucket(limits.tpm);
  }

  /** Admits the request (returns 0) or returns the ms to wait before it would be admitted. */
  admit(now: number, tokens: number, factor = 1): number {
    const f = Math.max(factor, 1e-3);
    const wait = Math.max(this.rpm?.waitFor(now, 1, f) ?? 0, this.tpm?.waitFor(now, tokens, f) ?? 0);
    if (wait > 0) return wait;
    this.rpm?.take(now, 1, f);
    this.tpm?.take(now, tokens, f);
    return 0;
  }
}
