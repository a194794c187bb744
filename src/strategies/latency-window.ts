/**
 * A sliding sample of recent latencies kept sorted as samples arrive, so a quantile (a hedging
 * threshold) is a lookup: each `add` removes the evicted sample and inserts the new one by binary
 * search and a block move, O(capacity) memory moves but no sort and no allocation, so no decision
 * ever pays for a re-sort.
 */

export class LatencyWindow {
  /** Arrival order (a ring), to know which sample to evict. */
  private readonly ring: Float64Array;
  /** The same samples in ascending order; the first `count` entries are valid. */
  private readonly sorted: Float64Array;
  private count = 0;
  private next = 0;

  constructor(private readonly capacity = 256) {
    this.ring = new Float64Array(capacity);
    this.sorted = new Float64Array(capacity);
  }

  add(ms: number): void {
    if (this.count === this.capacity) {
      const out = this.ring[this.next]!;
      const at = this.lowerBound(out);
      this.sorted.copyWithin(at, at + 1, this.count);
      this.count--;
    }
    this.ring[this.next] = ms;
    this.next = (this.next + 1) % this.capacity;
    const at = this.lowerBound(ms);
    this.sorted.copyWithin(at + 1, at, this.count);
    this.sorted[at] = ms;
    this.count++;
  }

  get size(): number {
    return this.count;
  }

  /** The q-quantile (0..1) of the window, linearly interpolated; NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const pos = q * (this.count - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, this.count - 1);
    return this.sorted[lo]! + (this.sorted[hi]! - this.sorted[lo]!) * (pos - lo);
  }

  /** First index whose value is ≥ x. */
  private lowerBound(x: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
