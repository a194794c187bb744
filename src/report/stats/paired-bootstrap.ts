/**
 * Seeded bootstrap intervals for the difference of a statistic between the two sides of paired
 * measurements (a request through the gateway and one straight to the mock, back to back).
 *
 * Method. The pairs (dᵢ, aᵢ), i = 1..n, are the resampling unit: each replicate draws n pair
 * indices with replacement, computes the statistic of the drawn arm values and of the drawn direct
 * values, and keeps their difference. Resampling whole pairs keeps what the pairing buys: drift
 * and noise shared by both requests of a pair (a GC pause in the generator, a busy core) move both
 * sides of a replicate together. The interval is the percentile interval (2.5% and 97.5%) of the B
 * differences; the point estimate is the statistic's difference on the data. Quantiles use linear
 * interpolation between order statistics (type 7, DuckDB's quantile_cont), the mean is the mean.
 *
 * A quantile with fewer than MIN_TAIL pairs beyond it on either side gets no interval (null): the
 * bootstrap of an extreme quantile from a handful of values is not to be trusted (p99 needs at
 * least 1,000 pairs). Assumption: pairs are exchangeable (no trend over the run the alternating
 * order does not cancel).
 */
import type { Rng } from '../../rng.js';
import { MIN_TAIL } from './bootstrap-quantile.js';
import { sortedQuantile } from './verdict.js';

export interface PairedDiff {
  /** statistic(arm) − statistic(direct) on the data. */
  delta: number;
  direct: number;
  arm: number;
  /** Null when the statistic has too few pairs around it for an interval. */
  lo: number | null;
  hi: number | null;
  pairs: number;
}

/** 'mean' or a quantile in (0, 1). */
export type PairedStatistic = 'mean' | number;

function statistic(values: Float64Array, s: PairedStatistic): number {
  if (s === 'mean') {
    let sum = 0;
    for (const v of values) sum += v;
    return sum / values.length;
  }
  return sortedQuantile(values.sort(), s);
}

export function pairedDiff(direct: Float64Array, arm: Float64Array, s: PairedStatistic, resamples: number, rng: Rng, level = 0.95): PairedDiff | null {
  const n = direct.length;
  if (n !== arm.length) throw new RangeError('paired samples need the same length');
  if (n < 2) return null;
  const d = statistic(Float64Array.from(direct), s);
  const a = statistic(Float64Array.from(arm), s);
  const result: PairedDiff = { delta: a - d, direct: d, arm: a, lo: null, hi: null, pairs: n };
  if (s !== 'mean' && (n * s < MIN_TAIL || n * (1 - s) < MIN_TAIL)) return result;
  const bd = new Float64Array(n);
  const ba = new Float64Array(n);
  const diffs = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) {
      const k = rng.int(n);
      bd[i] = direct[k]!;
      ba[i] = arm[k]!;
    }
    diffs[b] = statistic(ba, s) - statistic(bd, s);
  }
  diffs.sort();
  result.lo = sortedQuantile(diffs, (1 - level) / 2);
  result.hi = sortedQuantile(diffs, (1 + level) / 2);
  return result;
}
