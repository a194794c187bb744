/**
 * Reading a confidence interval of a difference (candidate − baseline) as a verdict.
 *
 * A difference is a `win` or a `loss` only when its 95% interval excludes zero; whenever the
 * interval contains zero (including touching it) the verdict is `tie`, however large the point
 * estimate. Which side of zero the interval lies on decides, not the sign of the point estimate:
 * the two agree for every interval routebench computes except degenerate bootstrap cases, and
 * the interval is the statement we are willing to defend.
 *
 * And only when the difference is practically non-zero: |Δ| larger than PRACTICAL_TOLERANCE of
 * the larger of the two values. Two runs whose requests all cost the same differ in cost per
 * success by floating-point rounding (−8.9e-16 USD); that is not a difference between strategies,
 * whatever the interval (mean-ci.ts floors its variance, so it is no longer zero-width) says.
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
export { Z95 } from '../../stats/distributions.js';

/** True when the interval contains zero (ends included). */
export function containsZero(ci: Pick<DiffCi, 'lo' | 'hi'>): boolean {
  return ci.lo <= 0 && ci.hi >= 0;
}

/** A difference within this fraction of the larger value (one part per million) is no difference. */
export const PRACTICAL_TOLERANCE = 1e-6;

/** True when |delta| is at most PRACTICAL_TOLERANCE of `magnitude` (the larger |value| of the two sides). */
export function practicallyZero(delta: number, magnitude: number): boolean {
  return Math.abs(delta) <= PRACTICAL_TOLERANCE * Math.abs(magnitude);
}

/**
 * 'win' when the interval lies entirely on the good side of zero for this direction, 'loss' when
 * entirely on the bad side, 'tie' otherwise. A non-finite bound is treated as "unknown": tie.
 * With `magnitude` (the larger |value| of the two sides) and the interval's `delta`, a difference
 * that is practically zero (see PRACTICAL_TOLERANCE) is a tie too.
 */
export function verdict(ci: Pick<DiffCi, 'lo' | 'hi'> & { delta?: number }, direction: Direction, magnitude?: number): Verdict {
  if (!Number.isFinite(ci.lo) || !Number.isFinite(ci.hi) || containsZero(ci)) return 'tie';
  if (magnitude !== undefined && ci.delta !== undefined && practicallyZero(ci.delta, magnitude)) return 'tie';
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
