/**
 * Reading a confidence interval of a difference (candidate − baseline) as a verdict.
 *
 * A difference is a `win` or a `loss` only when its 95% interval excludes zero; whenever the
 * interval contains zero (including touching it) the verdict is `tie`, however large the point
 * estimate. Which side of zero the interval lies on decides, not the sign of the point estimate:
 * the two agree for every interval routebench computes except degenerate bootstrap cases, and
 * the interval is the statement we are willing to defend.
 */

/** Whether a smaller or a larger value of a metric is better. */
export type Direction = 'lower' | 'higher';

export type Verdict = 'win' | 'loss' | 'tie';

/** A difference with its confidence interval, in the metric's own unit. */
export interface DiffCi {
  /** Point estimate of candidate − baseline. */
  delta: number;
  lo: number;
  hi: number;
}

/** The two-sided 95% standard normal quantile, z₀.₉₇₅. */
export const Z95 = 1.959963984540054;

/** True when the interval contains zero (ends included). */
export function containsZero(ci: Pick<DiffCi, 'lo' | 'hi'>): boolean {
  return ci.lo <= 0 && ci.hi >= 0;
}

/**
 * 'win' when the interval lies entirely on the good side of zero for this direction, 'loss' when
 * entirely on the bad side, 'tie' otherwise. A non-finite bound is treated as "unknown": tie.
 */
export function verdict(ci: Pick<DiffCi, 'lo' | 'hi'>, direction: Direction): Verdict {
  if (!Number.isFinite(ci.lo) || !Number.isFinite(ci.hi) || containsZero(ci)) return 'tie';
  const increased = ci.lo > 0;
  return increased === (direction === 'higher') ? 'win' : 'loss';
}

/** True when the change is significant and in the bad direction (a statistically real regression). */
export function isSignificantRegression(ci: Pick<DiffCi, 'lo' | 'hi'>, direction: Direction): boolean {
  return verdict(ci, direction) === 'loss';
}

/** A difference relative to the baseline, in percent; null when the baseline is 0. */
export function relativePct(delta: number, baseline: number): number | null {
  return baseline === 0 ? null : (delta / Math.abs(baseline)) * 100;
}

/** The q-quantile (0..1) of an ascending array, linear interpolation between order statistics (type 7). */
export function sortedQuantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}
