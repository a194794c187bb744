/**
 * Distribution helpers every stage may use (calibration, reports): the standard normal CDF, the
 * lognormal fitted to logs, a Chernoff bound on binomial tails, the normal quantiles, and the
 * Kolmogorov-Smirnov distance of a sample (given by its quantiles) from a fitted CDF. Intervals
 * for proportions (Wilson, Newcombe) are in wilson.ts.
 */

/**
 * Standard normal CDF, via the Chebyshev fit of erfc in Numerical Recipes (fractional error < 1.2e-7):
 * Φ(z) = 1 − erfc(z/√2)/2, the fit taken at x = |z|/√2 (t = 1/(1 + x/2), exp(−x² + …) with x² = z²/2).
 */
export function normalCdf(z: number): number {
  const t = 1 / (1 + (0.5 * Math.abs(z)) / Math.SQRT2);
  const y =
    t *
    Math.exp(
      -z * z / 2 - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    ) / 2;
  return z >= 0 ? 1 - y : y;
}

/** z-scores used for intervals (Z99 is the one the mock model's lognormals use). */
export { Z99 } from '../rng.js';
export const Z995 = 2.5758293035489004;
/** The two-sided 95% standard normal quantile, z₀.₉₇₅. */
export const Z95 = 1.959963984540054;

export interface LognormalFit {
  mu: number;
  sigma: number;
}

export const lognormalCdf = (f: LognormalFit, x: number): number => (x <= 0 ? 0 : f.sigma === 0 ? (Math.log(x) >= f.mu ? 1 : 0) : normalCdf((Math.log(x) - f.mu) / f.sigma));
export const lognormalQuantile = (f: LognormalFit, z: number): number => Math.exp(f.mu + f.sigma * z);

/**
 * Kolmogorov-Smirnov distance between a sample, given by its quantiles `values[i]` at levels
 * `levels[i]`, and a CDF. With quantiles every 0.5% the result is within 0.005 of the exact D.
 */
export function ksDistance(levels: readonly number[], values: readonly number[], cdf: (x: number) => number): number {
  let d = 0;
  for (let i = 0; i < levels.length; i++) d = Math.max(d, Math.abs(levels[i]! - cdf(values[i]!)));
  return d;
}

/**
 * Exact Kolmogorov-Smirnov distance of a sample, sorted ascending, from a continuous CDF:
 * max over i of i/n − F(xᵢ) and F(xᵢ) − (i−1)/n (ties included: at a run of equal values the first
 * term peaks at its last, the second at its first).
 */
export function ksDistanceSorted(sorted: readonly number[], cdf: (x: number) => number): number {
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]!);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/** The 1% critical value of the one-sample KS statistic for n observations (asymptotic). */
export const ksCritical99 = (n: number): number => 1.6276 / Math.sqrt(Math.max(n, 1));

/** Kullback-Leibler divergence of Bernoulli(a) from Bernoulli(b). */
function klBernoulli(a: number, b: number): number {
  const term = (x: number, y: number) => (x === 0 ? 0 : x * Math.log(x / y));
  return term(a, b) + term(1 - a, 1 - b);
}

/**
 * log10 of an upper bound on P(X ≥ k) for X ~ Binomial(n, p) (Chernoff: exp(-n·KL(k/n ‖ p))).
 * 0 when k/n ≤ p (no evidence of excess).
 */
export function log10UpperTail(k: number, n: number, p: number): number {
  if (n === 0 || k / n <= p) return 0;
  const pp = Math.min(Math.max(p, 1e-12), 1 - 1e-12);
  return (-n * klBernoulli(k / n, pp)) / Math.LN10;
}

/** Inverse standard normal CDF, by bisection on normalCdf (for a few points: reports, tables). */
export function normalQuantile(p: number): number {
  let lo = -8;
  let hi = 8;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
