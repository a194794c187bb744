/**
 * The data of the latency shift plot: for each strategy other than the baseline, at each of a
 * grid of quantiles of successful-request latency, candidate − baseline with its 95% interval.
 *
 * Each quantile is DuckDB's quantile_cont; its interval is the percentile interval of B seeded
 * bootstrap differences, each run resampled independently (stats/bootstrap-quantile.ts). The
 * baseline is resampled once with its own stream and every candidate with a stream named after
 * it, so adding or removing a strategy changes nobody else's interval, and the same rows and seed
 * give the same plot. A quantile with fewer than MIN_TAIL values beyond it on either side gets its
 * point estimate and no interval.
 */
import { Rng } from '../rng.js';
import type { Store } from '../store/open-store.js';
import { bootstrapQuantiles, quantileDiffCi, type QuantileBootstrap } from './stats/bootstrap-quantile.js';

/** The quantiles drawn: the body, then ever further into the tail. */
export const SHIFT_QUANTILES: readonly number[] = [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999];

export interface ShiftPoint {
  strategy: string;
  /** 'p50', 'p99.9', ... */
  quantile: string;
  p: number;
  baseline_ms: number;
  candidate_ms: number;
  /** candidate − baseline, ms. */
  delta_ms: number;
  lo_ms: number | null;
  hi_ms: number | null;
  verdict: 'faster' | 'slower' | 'tie' | 'no interval';
}

export const quantileName = (p: number) => `p${+(p * 100).toPrecision(4)}`;

export interface ShiftOptions {
  resamples: number;
  seed: number;
  /** Where per-request rows come from (the report's materialised requests, `rq`). */
  relation: string;
}

/** `runs` in summary order; the first is the baseline. */
export async function latencyShift(store: Store, runs: readonly { runNo: number; strategy: string }[], opts: ShiftOptions): Promise<ShiftPoint[]> {
  const [base, ...others] = runs;
  if (!base || others.length === 0) return [];
  const targets = SHIFT_QUANTILES.map((p) => ({ column: 'latency_ms', filter: 'success', p }));
  const sample = (runNo: number) => ({ store, from: opts.relation, where: `run_no = ${Math.trunc(runNo)}` });
  const bq = await bootstrapQuantiles(sample(base.runNo), targets, { resamples: opts.resamples, rng: Rng.derive(opts.seed, 'shift/baseline') });
  const out: ShiftPoint[] = [];
  for (const r of others) {
    const cq = await bootstrapQuantiles(sample(r.runNo), targets, { resamples: opts.resamples, rng: Rng.derive(opts.seed, `shift/${r.strategy}`) });
    SHIFT_QUANTILES.forEach((p, i) => {
      const point = shiftPoint(r.strategy, p, bq[i]!, cq[i]!);
      if (point) out.push(point);
    });
  }
  return out;
}

function shiftPoint(strategy: string, p: number, b: QuantileBootstrap, c: QuantileBootstrap): ShiftPoint | null {
  if (b.estimate === null || c.estimate === null) return null;
  const ci = quantileDiffCi(b, c);
  const delta = c.estimate - b.estimate;
  const verdict = !ci ? 'no interval' : ci.hi < 0 ? 'faster' : ci.lo > 0 ? 'slower' : 'tie';
  return { strategy, quantile: quantileName(p), p, baseline_ms: b.estimate, candidate_ms: c.estimate, delta_ms: delta, lo_ms: ci?.lo ?? null, hi_ms: ci?.hi ?? null, verdict };
}
