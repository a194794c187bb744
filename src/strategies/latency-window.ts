/** A sliding sample of recent latencies with a cached quantile (for hedging thresholds). */

export class LatencyWindow {
  private readonly samples: Float64Array;
  private count = 0;
  private next = 0;
  private sinceSort = Infinity;
  private sorted = new Float64Array(0);

  constructor(private readonly capacity = 256, private readonly resortEvery = 32) {
    this.samples = new Float64Array(capacity);
  }

  add(ms: number): void {
    this.samples[this.next] = ms;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
    this.sinceSort++;
  }

  get size(): number {
    return this.count;
  }

  /** The q-quantile (0..1) of the window, recomputed at most every `resortEvery` samples. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    if (this.sinceSort >= this.resortEvery) {
      this.sorted = this.samples.slice(0, this.count).sort();
      this.sinceSort = 0;
    }
    const pos = q * (this.sorted.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, this.sorted.length - 1);
    return this.sorted[lo]! + (this.sorted[hi]! - this.sorted[lo]!) * (pos - lo);
  }
}
