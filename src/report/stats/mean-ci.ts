/**
 * Normal-approximation intervals for differences of means, sums and ratios, from per-run SQL
 * aggregates (count, avg, var_samp, covar_samp): the rows never leave DuckDB.
 *
 * - `welchDiff`: difference of two means with unequal variances: Welch's interval
 *   Δ ± t₀.₉₇₅(ν)·√(s₁²/n₁ + s₂²/n₂), with Student's t on the Welch–Satterthwaite degrees of
 *   freedom ν (stats/student-t.ts). With the thousands of requests a simulated run holds, ν is in
 *   the thousands and t₀.₉₇₅ is z₀.₉₇₅ to the third decimal; a compare of two small replays (20
 *   live requests a side) has ν near 19 to 38, where t₀.₉₇₅ is 2.02 to 2.09 and the normal 1.96
 *   gives an interval 3 to 7% too narrow (down to 12.706 against 1.96 at ν = 1). The CLT carries
 *   skewed per-request values (attempts, cost) at the larger sizes; at a handful of requests no
 *   interval is more than indicative.
 * - `sumDiff`: difference of two totals (total cost). The number of requests is fixed by the
 *   traffic, so Var(Σ cᵢ) = n·s² and the interval is ΔT ± t₀.₉₇₅(ν)·√(n₁s₁² + n₂s₂²), ν by
 *   Welch–Satterthwaite over the two terms nᵢsᵢ² (each on nᵢ − 1 degrees of freedom).
 * - `ratioDiff`: difference of two ratio metrics R = scale · Σ numᵢ / Σ denᵢ, e.g. cost per 1k
 *   successful requests (num = the request's cost, den = 1 if it succeeded). We use the DELTA
 *   METHOD (first-order Taylor expansion of μ_num/μ_den), not a bootstrap: its inputs are five SQL
 *   aggregates per run, it is accurate when n is large and the denominator's mean is far from 0
 *   (a success rate of tens of percent over thousands of requests: the relative error of the
 *   linearisation is O(1/n)), and a row-resampling bootstrap would have to move every row
 *   through JavaScript or materialise B resamples in SQL for no visible gain at these sizes.
 *     Var(R̂) ≈ scale²/n · (σ²_num/μ²_den − 2 μ_num σ_num,den/μ³_den + μ²_num σ²_den/μ⁴_den)
 *   A run with no successes has no ratio: the result is null. As for the means, the quantile is
 *   Student's t on the Welch–Satterthwaite degrees of freedom of the two runs' variance terms
 *   (each on nᵢ − 1): the normal one for large runs, wider for a compare of a few requests.
 *
 * NO SPREAD IS NOT NO UNCERTAINTY. Every request of a small run can take the same number of
 * attempts (or cost the same): the sample variance is then 0 and the t interval collapses to a
 * point, which called two replays of 2 requests (1,1 against 2,2 attempts) a certain loss. A run
 * that shows no departure in n requests only bounds the share of requests that depart: by
 * Wilson's score interval for 0 of n, at most p = z²/(n + z²) of them (0.66 at n = 2, 0.0038 at
 * n = 1,000). A share q departing by one step d gives the variance q(1 − q)·d², and the largest the
 * sample cannot rule out is at q = min(p, ½). Each side's variance is at least that (`spreadFloor`), with d = 1 for a
 * count (attempts are whole numbers) and d = the side's mean for cost (a request that cost nothing,
 * or twice as much). A sample that does vary keeps its own variance once it exceeds the floor,
 * which at the sizes of a simulated run it does by orders of magnitude.
 *
 * Assumption, as for every interval here: requests are independent draws within a run and the two
 * runs are independent samples (see wilson.ts for what that ignores).
 */
import type { DiffCi } from './verdict.js';
import { satterthwaiteDf, studentTQuantile } from '../../stats/student-t.js';

/** count, avg and var_samp of one per-request column. */
export interface MeanAggregate {
  n: number;
  mean: number | null;
  /** Sample variance (n − 1 denominator); null when n < 2. */
  variance: number | null;
  /**
   * The smallest departure a value can make, for the variance floor (see spreadFloor): 1 for a
   * count such as attempts; default |mean| (a value that could be 0 or twice the mean, as cost).
   */
  step?: number;
}

/** Aggregates for a ratio Σnum / Σden over the same n requests. */
export interface RatioAggregate {
  n: number;
  meanNum: number;
  meanDen: number;
  varNum: number | null;
  varDen: number | null;
  /** Sample covariance of num and den. */
  covNumDen: number | null;
}

const usable = (a: MeanAggregate): a is { n: number; mean: number; variance: number; step?: number } => a.n >= 2 && a.mean !== null && a.variance !== null;

/**
 * The least variance to credit n values with (module comment): q(1 − q)·step², with q = min(p, ½)
 * and p = z²/(n + z²) the Wilson upper bound on the share of departing values when none of n
 * departed, z the normal quantile of `level`. 0.25·step² up to n = 3, 0.0038·step² at n = 1,000.
 */
export function spreadFloor(n: number, step: number, level = 0.95): number {
  const z = tFor(level, Infinity);
  const q = Math.min(0.5, (z * z) / (n + z * z));
  return q * (1 - q) * step * step;
}

/** A side's variance, at least its floor. */
const floored = (a: { n: number; mean: number; variance: number; step?: number }, level: number) =>
  Math.max(a.variance, spreadFloor(a.n, a.step ?? Math.abs(a.mean), level));

function interval(delta: number, se: number, z: number): DiffCi | null {
  if (!Number.isFinite(delta) || !Number.isFinite(se)) return null;
  return { delta, lo: delta - z * se, hi: delta + z * se };
}

/** The two-sided quantile of Student's t for `level` on ν degrees of freedom (the normal one for ν = ∞). */
const tFor = (level: number, df: number) => studentTQuantile((1 + level) / 2, df);

/**
 * Welch interval for mean(cand) − mean(base) at `level` (default 95%), Student's t on the
 * Welch–Satterthwaite degrees of freedom; null when either side has fewer than 2 values.
 */
export function welchDiff(base: MeanAggregate, cand: MeanAggregate, level = 0.95): DiffCi | null {
  if (!usable(base) || !usable(cand)) return null;
  const terms = [
    { value: floored(base, level) / base.n, df: base.n - 1 },
    { value: floored(cand, level) / cand.n, df: cand.n - 1 },
  ];
  return interval(cand.mean - base.mean, Math.sqrt(terms[0]!.value + terms[1]!.value), tFor(level, satterthwaiteDf(terms)));
}

/** Interval for total(cand) − total(base), totals = n · mean, Student's t on the Welch–Satterthwaite degrees of freedom. */
export function sumDiff(base: MeanAggregate, cand: MeanAggregate, level = 0.95): DiffCi | null {
  if (!usable(base) || !usable(cand)) return null;
  const terms = [
    { value: base.n * floored(base, level), df: base.n - 1 },
    { value: cand.n * floored(cand, level), df: cand.n - 1 },
  ];
  return interval(cand.n * cand.mean - base.n * base.mean, Math.sqrt(terms[0]!.value + terms[1]!.value), tFor(level, satterthwaiteDf(terms)));
}

/** The ratio scale · μ_num / μ_den, or null without a denominator. */
export function ratioValue(a: RatioAggregate, scale = 1): number | null {
  return a.n > 0 && a.meanDen > 0 ? (scale * a.meanNum) / a.meanDen : null;
}

/**
 * Delta-method variance of the ratio estimate of one run. The numerator's and the denominator's
 * variances are floored as the means' are (module comment): the numerator with step |μ_num| (a
 * request that cost nothing), the denominator, a 0/1 success indicator, with step 1. Raising the
 * variances with the covariance kept leaves the covariance matrix positive semi-definite.
 */
export function ratioVariance(a: RatioAggregate, scale = 1, level = 0.95): number | null {
  if (a.n < 2 || !(a.meanDen > 0) || a.varNum === null || a.varDen === null || a.covNumDen === null) return null;
  const r = a.meanNum / a.meanDen;
  const varNum = Math.max(a.varNum, spreadFloor(a.n, Math.abs(a.meanNum), level));
  const varDen = Math.max(a.varDen, spreadFloor(a.n, 1, level));
  const v = (varNum - 2 * r * a.covNumDen + r * r * varDen) / (a.meanDen * a.meanDen);
  // The quadratic form is a variance and cannot be negative; clamp floating-point noise.
  return (scale * scale * Math.max(0, v)) / a.n;
}

/** Delta-method interval for ratio(cand) − ratio(base), e.g. cost per 1k successes with scale 1000. */
export function ratioDiff(base: RatioAggregate, cand: RatioAggregate, scale = 1, level = 0.95): DiffCi | null {
  const rb = ratioValue(base, scale);
  const rc = ratioValue(cand, scale);
  const vb = ratioVariance(base, scale, level);
  const vc = ratioVariance(cand, scale, level);
  if (rb === null || rc === null || vb === null || vc === null) return null;
  const df = satterthwaiteDf([
    { value: vb, df: base.n - 1 },
    { value: vc, df: cand.n - 1 },
  ]);
  return interval(rc - rb, Math.sqrt(vb + vc), tFor(level, df));
}
