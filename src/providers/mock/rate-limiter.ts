/**
 * Token buckets for a target's RPM and TPM limits, as providers enforce them: a full minute of
 * burst, refilled continuously. A refused request learns how long until it would fit, which the
 * mock sends as retry-after.
 */

export class TokenBucket {
  private tokens: number;
  private last = 0;
  private readonly perMs: number;

  constructor(private readonly capacity: number) {
    this.tokens = capacity;
    this.perMs = capacity / 60_000;
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.perMs);
      this.last = now;
    }
  }

  /** Ms until `amount` would be available (0 if it is now). Does not take anything. */
  waitFor(now: number, amount: number): number {
    this.refill(now);
    const need = Math.min(amount, this.capacity) - this.tokens;
    return need <= 0 ? 0 : need / this.perMs;
  }

  take(now: number, amount: number): void {
    this.refill(now);
    this.tokens -= Math.min(amount, this.capacity);
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
  admit(now: number, tokens: number): number {
    const wait = Math.max(this.rpm?.waitFor(now, 1) ?? 0, this.tpm?.waitFor(now, tokens) ?? 0);
    if (wait > 0) return wait;
    this.rpm?.take(now, 1);
    this.tpm?.take(now, tokens);
    return 0;
  }
}
