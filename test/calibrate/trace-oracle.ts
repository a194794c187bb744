/**
 * A second implementation, in plain TypeScript over the trace's JSON lines, of what calibrate and
 * backtest compute in DuckDB: error counts and their 99% Wilson interval (the textbook formula),
 * a robust lognormal (median and interquartile range of log TTFT), the exact Kolmogorov-Smirnov
 * distance of a sample from it (every order statistic, both sides of each step), the recorded
 * success rate and latency quantiles, and how far apart a target's calls were around a moment
 * (the documented resolution of an outage's edges). The round-trip tests hold calibrate and
 * backtest to these, so a mistake in the SQL cannot pass by being checked against itself.
 */
import { readFileSync } from 'node:fs';

export interface Row {
  t: number;
  stream: boolean;
  target: string;
  ok: boolean;
  kind?: string;
  latency?: number;
  ttft?: number;
}

type Line = { arrival_ms: number; stream?: boolean; recorded?: { ok: boolean; error_kind?: string; latency_ms?: number; ttft_ms?: number; target: string } };
const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);

/** The first observed call's arrival: calibrate's times (`t`, incident starts) count from it. */
export const firstArrival = (file: string): number => Math.min(...lines(file).filter((r) => r.recorded).map((r) => r.arrival_ms));

/** The observed calls, `t` counted from the first (as calibrate counts it). */
export function readRows(file: string): Row[] {
  const raw = lines(file);
  const t0 = firstArrival(file);
  return raw
    .filter((r) => r.recorded)
    .map((r) => ({ t: r.arrival_ms - t0, stream: r.stream === true, target: r.recorded!.target, ok: r.recorded!.ok, kind: r.recorded!.ok ? undefined : (r.recorded!.error_kind ?? 'server_error'), latency: r.recorded!.latency_ms, ttft: r.recorded!.ttft_ms }));
}

/** Two-sided 99% normal quantile (Φ⁻¹(0.995)). */
export const Z_TWO_SIDED_99 = 2.5758293035489004;

/** Wilson score interval, written as in Wilson (1927): (p̂ + z²/2n ± z√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n). */
export function wilsonOracle(x: number, n: number, z: number): [number, number] {
  const p = x / n;
  const c = p + (z * z) / (2 * n);
  const h = z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  const d = 1 + (z * z) / n;
  return [(c - h) / d, (c + h) / d];
}

/** Type-7 quantile of a sorted sample (as R's default and DuckDB's quantile_cont). */
export function quantile7(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Standard normal CDF via erf (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
export function phi(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Robust lognormal: μ = median of the logs, σ = their interquartile range / (2·Φ⁻¹(0.75)). */
export function robustLognormal(sample: readonly number[]): { mu: number; sigma: number } {
  const logs = sample.filter((v) => v > 0).map(Math.log).sort((a, b) => a - b);
  return { mu: quantile7(logs, 0.5), sigma: (quantile7(logs, 0.75) - quantile7(logs, 0.25)) / (2 * 0.6744897501960817) };
}

/** Exact one-sample KS distance of a sample from a lognormal. */
export function ksExact(sample: readonly number[], f: { mu: number; sigma: number }): number {
  const s = sample.filter((v) => v > 0).sort((a, b) => a - b);
  let d = 0;
  s.forEach((v, i) => {
    const F = phi((Math.log(v) - f.mu) / f.sigma);
    d = Math.max(d, (i + 1) / s.length - F, F - i / s.length);
  });
  return d;
}

/** The gap, ms, between the last call of `target` before `at` that matched `before` and the first at or after it. */
export function gapAround(rows: readonly Row[], target: string, at: number, before: (r: Row) => boolean, after: (r: Row) => boolean): number {
  const mine = rows.filter((r) => r.target === target);
  const b = Math.max(...mine.filter((r) => r.t < at && before(r)).map((r) => r.t));
  const a = Math.min(...mine.filter((r) => r.t >= at && after(r)).map((r) => r.t));
  return a - b;
}
