/**
 * Quantiles of a stream of durations in constant memory: a histogram of milliseconds, exact to
 * the millisecond below one minute, to 100 ms up to one hour, to the second beyond. For a process
 * that runs for days (`routebench record`) where keeping every value would grow without bound.
 *
 * quantile() is the type-7 (linear interpolation) quantile of the values as bucketed: below a
 * minute it is within 0.5 ms of the type-7 quantile of the exact values, below an hour within 50 ms.
 */

const FINE_MS = 60_000; // 1 ms buckets below this
const COARSE_STEP = 100; // 100 ms buckets up to COARSE_END
const COARSE_END = 3_600_000;

export class MsHistogram {
  private readonly fine = new Uint32Array(FINE_MS);
  private readonly coarse = new Uint32Array((COARSE_END - FINE_MS) / COARSE_STEP);
  /** Whole seconds at and beyond an hour: bucket start (ms) -> count. */
  private readonly seconds = new Map<number, number>();
  count = 0;

  add(ms: number): void {
    if (!Number.isFinite(ms)) return;
    const v = Math.max(0, ms);
    this.count++;
    if (v < FINE_MS - 0.5) this.fine[Math.round(v)]!++;
    else if (v < COARSE_END) this.coarse[Math.floor((v - FINE_MS) / COARSE_STEP)]!++;
    else {
      const s = Math.round(v / 1000) * 1000;
      this.seconds.set(s, (this.seconds.get(s) ?? 0) + 1);
    }
  }

  /** The value of the k-th smallest (0-based) as bucketed: its millisecond, or its bucket's middle. */
  private at(k: number): number {
    let seen = 0;
    const fine = this.fine;
    for (let i = 0; i < fine.length; i++) {
      seen += fine[i]!;
      if (seen > k) return i;
    }
    const coarse = this.coarse;
    for (let i = 0; i < coarse.length; i++) {
      seen += coarse[i]!;
      if (seen > k) return FINE_MS + i * COARSE_STEP + COARSE_STEP / 2;
    }
    for (const s of [...this.seconds.keys()].sort((a, b) => a - b)) {
      seen += this.seconds.get(s)!;
      if (seen > k) return s;
    }
    return Number.NaN; // k >= count: not reached by quantile()
  }

  /** Type-7 quantile (0 <= q <= 1); null when nothing was added. */
  quantile(q: number): number | null {
    if (this.count === 0) return null;
    const h = (this.count - 1) * q;
    const lo = Math.floor(h);
    const a = this.at(lo);
    if (h === lo) return a;
    return a + (h - lo) * (this.at(lo + 1) - a);
  }
}
