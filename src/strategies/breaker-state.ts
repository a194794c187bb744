/** One target's circuit breaker: closed → open (cooldown) → half-open (probes) → closed. */

export interface BreakerOptions {
  failure_rate: number;
  min_requests: number;
  window_ms: number;
  cooldown_ms: number;
  half_open_probes: number;
}

const BUCKETS = 10;

export class BreakerState {
  private state: 'closed' | 'open' | 'half-open' = 'closed';
  private openedAt = 0;
  private probes = 0;
  private readonly totals = new Float64Array(BUCKETS);
  private readonly failures = new Float64Array(BUCKETS);
  private bucketStart = 0;
  private bucket = 0;
  private readonly bucketMs: number;

  constructor(private readonly o: BreakerOptions) {
    this.bucketMs = o.window_ms / BUCKETS;
  }

  /** Whether a request may be sent to the target now (moves open → half-open after the cooldown). */
  allows(now: number): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'open') {
      if (now < this.openedAt + this.o.cooldown_ms) return false;
      this.state = 'half-open';
      this.probes = 0;
    }
    return this.probes < this.o.half_open_probes;
  }

  /** A request is being sent to the target. */
  sending(now: number): void {
    if (this.state === 'half-open') this.probes++;
    void now;
  }

  /** An attempt ended without a verdict (cancelled, or an error that does not count): frees a half-open probe. */
  release(): void {
    if (this.state === 'half-open' && this.probes > 0) this.probes--;
  }

  record(now: number, failed: boolean): void {
    if (this.state === 'half-open') {
      if (failed) this.open(now);
      else this.close(now);
      return;
    }
    if (this.state === 'open') return;
    this.advance(now);
    this.totals[this.bucket]!++;
    if (failed) this.failures[this.bucket]!++;
    let total = 0;
    let failures = 0;
    for (let i = 0; i < BUCKETS; i++) {
      total += this.totals[i]!;
      failures += this.failures[i]!;
    }
    if (total >= this.o.min_requests && failures / total >= this.o.failure_rate) this.open(now);
  }

  describe(): string {
    return this.state === 'open' ? `open since t=${(this.openedAt / 1000).toFixed(1)}s` : `half-open, ${this.probes} probe(s) in flight`;
  }

  private open(now: number): void {
    this.state = 'open';
    this.openedAt = now;
  }

  private close(now: number): void {
    this.state = 'closed';
    this.totals.fill(0);
    this.failures.fill(0);
    this.bucketStart = now;
    this.bucket = 0;
  }

  private advance(now: number): void {
    let steps = 0;
    while (now >= this.bucketStart + this.bucketMs && steps < BUCKETS) {
      this.bucket = (this.bucket + 1) % BUCKETS;
      this.totals[this.bucket] = 0;
      this.failures[this.bucket] = 0;
      this.bucketStart += this.bucketMs;
      steps++;
    }
    if (now >= this.bucketStart + this.bucketMs) this.bucketStart = now - (now % this.bucketMs);
  }
}
