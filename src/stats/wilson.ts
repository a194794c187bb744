/**
 * Intervals for proportions (success rate, failover rate, a target's error rate): the one
 * implementation `compare`, the report and `calibrate` use.
 *
 * - `wilson`: the Wilson (1927) score interval for one proportion x/n, without continuity
 *   correction (method 3 in Newcombe, "Two-sided confidence intervals for the single proportion",
 *   Stat Med 1998;17:857–872). It stays inside [0, 1] and behaves at x = 0 and x = n, where the
 *   Wald interval collapses to a point.
 * - `newcombeDiff`: the hybrid score interval for the difference of two independent proportions
 *   p₁ − p₂ (method 10 in Newcombe, "Interval estimation for the difference between independent
 *   proportions: comparison of eleven methods", Stat Med 1998;17:873–890): with (lᵢ, uᵢ) the Wilson
 *   limits of each proportion,
 *
 *     L = (p₁ − p₂) − √((p₁ − l₁)² + (u₂ − p₂)²)
 *     U = (p₁ − p₂) + √((u₁ − p₁)² + (p₂ − l₂)²)
 *
 *   Its coverage is close to nominal even for rates near 0 or 1 (99.9% success), where the Wald
 *   difference interval is badly anti-conservative.
 * - Below SMALL_SAMPLE requests on either side, `newcombeDiff` takes the continuity-corrected
 *   Wilson limits instead (method 11 in the same paper; `wilsonCc`, method 4 in the single-
 *   proportion paper). Method 10 there is anti-conservative: with equal true rates it excludes 0
 *   (a "significant" difference) up to 12.5% of the time at 2 requests a side (0 of 2 against 2 of 2,
 *   which Fisher's exact test puts at p = 0.33), 7.7% at 8 and 12% at 2 against 200 (worst case over
 *   the true rate, computed exactly over every outcome); method 11 stays at or below 4.1% there.
 *   From 10 a side method 10's worst case stays within 1.5 points of 5% (6.4% at 12, 5.7% at 50),
 *   the usual price of an approximate interval, and it is the narrower.
 *
 * Assumption: each request's outcome is an independent Bernoulli draw within its run, and the two
 * runs are independent samples. Requests inside an incident window fail together, which makes the
 * real uncertainty larger than these intervals say; common random numbers between strategies of
 * one scenario make the difference's real uncertainty smaller. Treat a borderline verdict as such.
 */
import { Z95 } from './distributions.js';

export interface ProportionCi {
  /** The observed proportion x/n. */
  p: number;
  lo: number;
  hi: number;
}

function checkCounts(x: number, n: number): void {
  if (!Number.isInteger(x) || !Number.isInteger(n) || n <= 0 || x < 0 || x > n)
    throw new RangeError(`a proportion needs integer counts 0 ≤ x ≤ n, n > 0 (got ${x}/${n})`);
}

/** Wilson score interval for x successes out of n, at the confidence given by z (default 95%). */
export function wilson(x: number, n: number, z = Z95): ProportionCi {
  checkCounts(x, n);
  const p = x / n;
  const z2 = z * z;
  const denom = n + z2;
  const centre = (x + z2 / 2) / denom;
  const half = (z * Math.sqrt((x * (n - x)) / n + z2 / 4)) / denom;
  // Clamp rounding noise: at x = 0 the lower limit is exactly 0, at x = n the upper exactly 1.
  return { p, lo: x === 0 ? 0 : Math.max(0, centre - half), hi: x === n ? 1 : Math.min(1, centre + half) };
}

/**
 * Wilson's score interval with continuity correction (Newcombe 1998, single proportion, method 4):
 *   L = (2np + z² − 1 − z·√(z² − 2 − 1/n + 4p(n(1 − p) + 1))) / (2(n + z²)), 0 at x = 0
 *   U = (2np + z² + 1 + z·√(z² + 2 − 1/n + 4p(n(1 − p) − 1))) / (2(n + z²)), 1 at x = n
 */
export function wilsonCc(x: number, n: number, z = Z95): ProportionCi {
  checkCounts(x, n);
  const p = x / n;
  const z2 = z * z;
  const denom = 2 * (n + z2);
  const lo = x === 0 ? 0 : Math.max(0, (2 * n * p + z2 - 1 - z * Math.sqrt(z2 - 2 - 1 / n + 4 * p * (n * (1 - p) + 1))) / denom);
  const hi = x === n ? 1 : Math.min(1, (2 * n * p + z2 + 1 + z * Math.sqrt(z2 + 2 - 1 / n + 4 * p * (n * (1 - p) - 1))) / denom);
  return { p, lo, hi };
}

/** Requests a side from which `newcombeDiff` uses the plain Wilson limits (method 10); below it, method 11. */
export const SMALL_SAMPLE = 10;

/**
 * Newcombe's hybrid score interval (method 10; method 11 below SMALL_SAMPLE requests on either
 * side) for p₁ − p₂, with p₁ = x1/n1 and p₂ = x2/n2 from independent samples. routebench passes
 * the candidate as sample 1 and the baseline as sample 2, so `delta` is candidate − baseline.
 */
export function newcombeDiff(x1: number, n1: number, x2: number, n2: number, z = Z95): { delta: number; lo: number; hi: number } {
  const limits = Math.min(n1, n2) < SMALL_SAMPLE ? wilsonCc : wilson;
  const a = limits(x1, n1, z);
  const b = limits(x2, n2, z);
  const delta = a.p - b.p;
  return {
    delta,
    lo: delta - Math.sqrt((a.p - a.lo) ** 2 + (b.hi - b.p) ** 2),
    hi: delta + Math.sqrt((a.hi - a.p) ** 2 + (b.p - b.lo) ** 2),
  };
}
