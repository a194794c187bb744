/**
 * A sliding sample of recent latencies, some of them censored, kept sorted as samples arrive so a
 * quantile (a hedging threshold) needs no sort: each `add` removes the evicted sample and inserts
 * the new one by binary search and a block move (O(capacity) memory moves, no allocation).
 *
 * A censored sample says "at least this long": an attempt cancelled because a hedge won, one that
 * failed or timed out before answering. Dropping those would keep only the fast answers and pull
 * every quantile down (a p95 taken over the winners settles near the true p70). The quantile is
 * the Kaplan-Meier estimate instead (Kaplan & Meier 1958): walking up the sorted times, each
 * answer lowers the survival S(t) by 1/(samples still at risk), a censored sample only leaves the
 * risk set. Between answers the estimate is interpolated at plotting positions
 * (1 − S(t⁻))·n/(n − 1), which with no censoring are the positions i/(n − 1) of the usual linear
 * interpolation (R type 7), so uncensored windows give exactly the familiar quantile.
 *
 * Beyond the last answer (when more than 1 − q of the window lies past it) the q-quantile is not
 * identified: there the censored times are used as if they were answers, lower bounds ("every
 * attempt that got that far took at least this long"), so the estimate does not err low.
 */

export class LatencyWindow {
  /** Arrival order (a ring), to know which sample to evict. */
  private readonly ring: Float64Array;
  private readonly ringCensored: Uint8Array;
  /** The same samples in ascending order (answers before censored ones at equal times). */
  private readonly sorted: Float64Array;
  private readonly sortedCensored: Uint8Array;
  private count = 0;
  private next = 0;
  private censoredCount = 0;
  /** Memo of the last quantile asked for; invalidated by `add`. */
  private memoQ = NaN;
  private memoValue = NaN;

  constructor(private readonly capacity = 256) {
    this.ring = new Float64Array(capacity);
    this.ringCensored = new Uint8Array(capacity);
    this.sorted = new Float64Array(capacity);
    this.sortedCensored = new Uint8Array(capacity);
  }

  /** Adds a latency; `censored` when the attempt ended without answering (the true value is longer). */
  add(ms: number, censored = false): void {
    const c = censored ? 1 : 0;
    if (this.count === this.capacity) {
      const out = this.ring[this.next]!;
      const outC = this.ringCensored[this.next]!;
      const at = this.lowerBound(out, outC);
      this.sorted.copyWithin(at, at + 1, this.count);
      this.sortedCensored.copyWithin(at, at + 1, this.count);
      this.count--;
      this.censoredCount -= outC;
    }
    this.ring[this.next] = ms;
    this.ringCensored[this.next] = c;
    this.next = (this.next + 1) % this.capacity;
    const at = this.lowerBound(ms, c);
    this.sorted.copyWithin(at + 1, at, this.count);
    this.sortedCensored.copyWithin(at + 1, at, this.count);
    this.sorted[at] = ms;
    this.sortedCensored[at] = c;
    this.count++;
    this.censoredCount += c;
    this.memoQ = NaN;
  }

  /** Samples in the window, censored ones included. */
  get size(): number {
    return this.count;
  }

  /** Censored samples in the window. */
  get censored(): number {
    return this.censoredCount;
  }

  /** The q-quantile (0..1): Kaplan-Meier, interpolated; NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    if (q === this.memoQ) return this.memoValue;
    const v = this.censoredCount === 0 ? this.plainQuantile(q) : this.kaplanMeierQuantile(q);
    this.memoQ = q;
    this.memoValue = v;
    return v;
  }

  private plainQuantile(q: number): number {
    const pos = q * (this.count - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, this.count - 1);
    return this.sorted[lo]! + (this.sorted[hi]! - this.sorted[lo]!) * (pos - lo);
  }

  private kaplanMeierQuantile(q: number): number {
    const n = this.count;
    const scale = n > 1 ? n / (n - 1) : 1;
    // Past the last answer the curve is not identified; the censored times there are taken as
    // answers, i.e. as lower bounds, so a quantile out there is never guessed low.
    let lastAnswer = n - 1;
    while (lastAnswer > 0 && this.sortedCensored[lastAnswer] === 1) lastAnswer--;
    let survival = 1;
    let prevPos = -1;
    let prevValue = NaN;
    for (let i = 0; i < n; i++) {
      if (this.sortedCensored[i] === 1 && i < lastAnswer) continue;
      const x = this.sorted[i]!;
      const pos = (1 - survival) * scale;
      if (pos >= q) return prevPos < 0 || pos === prevPos ? x : prevValue + (x - prevValue) * ((q - prevPos) / (pos - prevPos));
      prevPos = pos;
      prevValue = x;
      survival *= 1 - 1 / (n - i);
    }
    return this.sorted[n - 1]!;
  }

  /** First index whose (value, censored) is ≥ (x, c), answers ordered before censored samples at equal values. */
  private lowerBound(x: number, c: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.sorted[mid]!;
      if (v < x || (v === x && this.sortedCensored[mid]! < c)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
