/**
 * Student's t distribution, for intervals on means of small samples (a compare of two runs of a
 * few dozen requests): its CDF through the regularized incomplete beta function, its quantile by
 * bisection, and the Welch–Satterthwaite degrees of freedom of a sum of independent variance
 * estimates.
 *
 * - CDF: for t ≥ 0, F(t; ν) = 1 − ½·I_{ν/(ν+t²)}(ν/2, ½), with I the regularized incomplete beta
 *   function, evaluated by its continued fraction (modified Lentz; Numerical Recipes, 3rd ed.,
 *   §6.4), which converges fast for x < (a+1)/(a+b+2) and through the symmetry
 *   I_x(a,b) = 1 − I_{1−x}(b,a) otherwise. ln Γ by the Lanczos approximation (g = 7, 9 terms).
 * - Quantile: bisection on the CDF to 1e-12, for the few points an interval needs.
 * - Welch–Satterthwaite: for V = Σ cᵢ·sᵢ² with sᵢ² a sample variance on νᵢ degrees of freedom,
 *   ν ≈ V² / Σ (cᵢ·sᵢ²)²/νᵢ (Welch 1947, Biometrika 34:28–35).
 *
 * ν may be fractional (Welch's ν usually is). As ν grows the quantile tends to the normal one:
 * t₀.₉₇₅ is 12.706 at ν = 1, 2.228 at 10, 2.042 at 30 and 1.962 at 1,000 against z = 1.960.
 */
import { normalCdf, normalQuantile } from './distributions.js';

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, relative error below 1e-14 over the range used here). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b), 0 ≤ x ≤ 1, a, b > 0. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(x, a, b)) / a : 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** CDF of Student's t with ν > 0 degrees of freedom (ν = Infinity: the standard normal). */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be above 0 (got ${df})`);
  if (Number.isNaN(t)) return NaN;
  if (!Number.isFinite(df)) return normalCdf(t);
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t with ν degrees of freedom (0 < p < 1). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`a quantile needs 0 < p < 1 (got ${p})`);
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be above 0 (got ${df})`);
  if (!Number.isFinite(df)) return normalQuantile(p);
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 2;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Welch–Satterthwaite degrees of freedom of Σ termᵢ, where termᵢ = cᵢ·sᵢ² is a scaled sample
 * variance with dfᵢ degrees of freedom. Infinity when every term is 0 (no spread at all: any
 * quantile times a zero standard error is 0); NaN never.
 */
export function satterthwaiteDf(terms: readonly { value: number; df: number }[]): number {
  const total = terms.reduce((s, t) => s + t.value, 0);
  if (!(total > 0)) return Infinity;
  const denom = terms.reduce((s, t) => s + (t.df > 0 ? (t.value * t.value) / t.df : 0), 0);
  return denom > 0 ? (total * total) / denom : Infinity;
}
