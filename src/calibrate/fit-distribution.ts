/**
 * A lognormal fitted robustly to a sample of observed calls, and how well it holds: the
 * Kolmogorov-Smirnov distance D (exact up to EXACT_KS_MAX calls), 199 empirical quantiles, and
 * whether the lognormal or the quantiles are used. Shared by the target and per-model fits.
 */
import type { Store } from '../store/open-store.js';
import { ksCritical99, ksDistance, ksDistanceSorted, lognormalCdf, Z99, type LognormalFit } from '../stats/distributions.js';

/** Quantile levels kept for KS distances and the fit report: 0.5%, 1%, …, 99.5%. */
export const LEVELS = Array.from({ length: 199 }, (_, i) => (i + 1) / 200);
/**
 * A lognormal is used when its CDF stays this close to the observed one everywhere, or when the
 * distance is within sampling noise for the sample's size (the KS test's 1% critical value).
 */
export const KS_TOLERANCE = 0.05;
export const ksAccepts = (ks: number, n: number): boolean => ks <= Math.max(KS_TOLERANCE, ksCritical99(n));

export interface DistributionFit {
  n: number;
  fit: LognormalFit;
  /** Kolmogorov-Smirnov distance of the sample from the fitted lognormal. */
  ks: number;
  model: 'lognormal' | 'empirical';
  quantiles: number[];
}

/**
 * A lognormal fitted robustly (median and interquartile range of the logs, so a few calls stalled
 * by something else do not widen it), its KS distance from the sample, and 199 empirical quantiles.
 */
export async function distribution(store: Store, valueSql: string, fromWhere: string): Promise<DistributionFit | undefined> {
  const sample = `SELECT ${valueSql} AS v ${fromWhere}`;
  const [r] = await store.all<{ n: number; mu: number | null; iqr: number | null }>(`
    SELECT count(*)::INTEGER AS n, median(ln(v)) AS mu, quantile_cont(ln(v), 0.75) - quantile_cont(ln(v), 0.25) AS iqr
    FROM (${sample}) WHERE v > 0`);
  // One call is a fit too (a point mass at its value): left out, the target got the mock profile's 100 ms.
  if (!r || r.n < 1 || r.mu === null) return undefined;
  // The 199 quantiles from one sort (quantile_cont over a list of levels is far slower), interpolated
  // between order statistics as quantile_cont does (type 7).
  const at = LEVELS.map((q) => (r.n - 1) * q);
  const wanted = [...new Set(at.flatMap((h) => [Math.floor(h), Math.min(r.n - 1, Math.floor(h) + 1)]))];
  const picked = await store.all<{ i: number; v: number }>(`
    SELECT i, v FROM (SELECT v, (row_number() OVER (ORDER BY v) - 1)::INTEGER AS i FROM (${sample}) WHERE v > 0)
    WHERE i IN (${wanted.join(', ')})`);
  const byIndex = new Map(picked.map((p) => [p.i, p.v]));
  const quantiles = at.map((h) => {
    const lo = byIndex.get(Math.floor(h))!;
    const hi = byIndex.get(Math.min(r.n - 1, Math.floor(h) + 1))!;
    return lo + (h - Math.floor(h)) * (hi - lo);
  });
  const fit = { mu: r.mu, sigma: (r.iqr ?? 0) / IQR_SIGMAS };
  const ks = await ksOf(store, sample, r.n, fit, quantiles);
  return { n: r.n, fit, ks, model: ksAccepts(ks, r.n) ? 'lognormal' : 'empirical', quantiles };
}

/** Up to this many values the KS distance is computed over every one of them (exact). */
export const EXACT_KS_MAX = 20_000;

/**
 * The KS distance of the sample from its fit. A fit with σ = 0 (half the calls or more took the
 * same time) is a point mass at e^μ: D is the share of calls on one side of it, counted exactly
 * (from quantiles it read as 0.995 for identical calls, a step CDF against every level). Otherwise
 * every value up to EXACT_KS_MAX of them, beyond that the 199 quantiles (within 0.005 of exact).
 */
async function ksOf(store: Store, sample: string, n: number, fit: LognormalFit, quantiles: number[]): Promise<number> {
  if (fit.sigma === 0) {
    const [c] = await store.all<{ below: number; above: number }>(`
      WITH s AS (SELECT v FROM (${sample}) WHERE v > 0), m AS (SELECT median(ln(v)) AS mu FROM s)
      SELECT count(*) FILTER (WHERE ln(v) < mu)::INTEGER AS below, count(*) FILTER (WHERE ln(v) > mu)::INTEGER AS above FROM s, m`);
    return Math.max(c?.below ?? 0, c?.above ?? 0) / n;
  }
  if (n <= EXACT_KS_MAX) {
    const sorted = (await store.all<{ v: number }>(`SELECT v FROM (${sample}) WHERE v > 0 ORDER BY v`)).map((x) => x.v);
    return ksDistanceSorted(sorted, (x) => lognormalCdf(fit, x));
  }
  return ksDistance(LEVELS, quantiles, (x) => lognormalCdf(fit, x));
}

/** Width of the normal's interquartile range in standard deviations. */
const IQR_SIGMAS = 1.3489795003921634;

/** p50/p99 of a lognormal fit (for TTFT and latencies: p99 is the slow tail above p50). */
export const upperQuantiles = (f: LognormalFit) => ({ p50: Math.exp(f.mu), p99: Math.exp(f.mu + Z99 * f.sigma) });
/** p50/p99 of a rate (tokens/s: p99 is the slow tail below p50). */
export const lowerQuantiles = (f: LognormalFit) => ({ p50: Math.exp(f.mu), p99: Math.exp(f.mu - Z99 * f.sigma) });
