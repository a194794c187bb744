/**
 * Per-endpoint rolling statistics for the openrouter strategy: percentiles over a time window
 * (latency, throughput) and a recent-failure window (outage demotion). Both are bounded rings
 * evicted by time, so memory and work per call stay constant however busy a target is.
 */

/**
 * Samples of the last `windowMs` (at most `capacity`, the newest kept), also kept sorted
 * (binary insertion and removal, O(capacity) moves of a small typed array) so quantiles are exact
 * and cost nothing to read in decide.
 */
export class RollingWindow {
  private readonly times: Float64Array;
  private readonly values: Float64Array;
  private readonly sorted: Float64Array;
  private head = 0;
  private n = 0;

  constructor(private readonly windowMs: number, private readonly capacity = 256) {
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
    this.sorted = new Float64Array(capacity);
  }

  add(at: number, value: number): void {
    this.evict(at);
    if (this.n === this.capacity) this.dropOldest();
    const i = (this.head + this.n) % this.capacity;
    this.times[i] = at;
    this.values[i] = value;
    const pos = this.lowerBound(value);
    this.sorted.copyWithin(pos + 1, pos, this.n);
    this.sorted[pos] = value;
    this.n++;
  }

  /** Number of samples in the window at `now` (older ones are dropped). */
  refresh(now: number): number {
    this.evict(now);
    return this.n;
  }

  /** The q-quantile (0..1) as of the last refresh, NaN without samples. */
  quantile(q: number): number {
    if (this.n === 0) return NaN;
    const s = this.sorted;
    const pos = q * (this.n - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, this.n - 1);
    return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
  }

  private evict(now: number): void {
    const oldest = now - this.windowMs;
    while (this.n > 0 && this.times[this.head]! <= oldest) this.dropOldest();
  }

  private dropOldest(): void {
    const pos = this.lowerBound(this.values[this.head]!);
    this.sorted.copyWithin(pos, pos + 1, this.n);
    this.head = (this.head + 1) % this.capacity;
    this.n--;
  }

  /** First index in sorted[0, n) whose value is ≥ v. */
  private lowerBound(v: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * Recent attempt results of one endpoint. It has a significant outage while, in the last
 * `windowMs`, at least `minFailures` attempts failed and failures are at least `share` of them.
 */
export class OutageWindow {
  private readonly times: Float64Array;
  private readonly failed: Uint8Array;
  private head = 0;
  private n = 0;
  private failures = 0;

  constructor(private readonly windowMs: number, private readonly minFailures: number, private readonly share: number, private readonly capacity = 512) {
    this.times = new Float64Array(capacity);
    this.failed = new Uint8Array(capacity);
  }

  add(at: number, failed: boolean): void {
    if (this.n === this.capacity) this.dropOldest();
    const i = (this.head + this.n) % this.capacity;
    this.times[i] = at;
    this.failed[i] = failed ? 1 : 0;
    this.n++;
    if (failed) this.failures++;
  }

  unstable(now: number): boolean {
    const oldest = now - this.windowMs;
    while (this.n > 0 && this.times[this.head]! <= oldest) this.dropOldest();
    return this.failures >= this.minFailures && this.failures >= this.share * this.n;
  }

  private dropOldest(): void {
    if (this.failed[this.head] === 1) this.failures--;
    this.head = (this.head + 1) % this.capacity;
    this.n--;
  }
}
