/**
 * Compares two runs metric by metric: baseline and candidate values, the difference (absolute and
 * relative), its 95% confidence interval and a verdict that is 'win' or 'loss' only when the
 * interval excludes zero. The runs may live in different stores (two DuckDB files, or an export
 * loaded into memory); each side's numbers come from SQL over its own `requests` view.
 *
 * Intervals: success and failover rates by Newcombe's hybrid score interval; quantiles by the
 * seeded Beta-trick bootstrap (each run resampled independently); mean attempts by Welch's t
 * interval; total cost by a t interval for sums; cost per 1k successful requests by the delta method
 * (each with a variance floor, so a run whose requests all look alike is not taken as certain). Every
 * interval treats the two runs as independent samples of i.i.d. requests: see stats/ for what
 * that assumption ignores and in which direction it errs.
 */
import { inputError } from '../errors.js';
import { Rng } from '../rng.js';
import type { Store } from '../store/open-store.js';
import { runAggregates, type RunAggregates } from '../store/comparison-queries.js';
import { COMPARISON_METRICS, QUANTILE_METRICS, type CiMethod, type ComparisonMetric, type MetricUnit } from './comparison-metrics.js';
import { checkNotEmpty, checkSameScenario, runInfo } from './run-identity.js';
import { bootstrapQuantiles, quantileDiffCi, type QuantileBootstrap } from './stats/bootstrap-quantile.js';
import { ratioDiff, ratioValue, sumDiff, welchDiff, type MeanAggregate, type RatioAggregate } from './stats/mean-ci.js';
import { relativePct, verdict, type DiffCi, type Direction, type Verdict } from './stats/verdict.js';
import { newcombeDiff } from '../stats/wilson.js';

export interface CompareSide {
  store: Store;
  runNo: number;
}

export interface CompareOptions {
  /** Bootstrap resamples per run for quantile intervals (default 1000). */
  resamples?: number;
  /** Seed of the bootstrap draws (default 1): the same inputs and seed give the same intervals. */
  seed?: number;
  /** Compare runs of different scenarios anyway (refused by default). */
  allowDifferent?: boolean;
  /** Where per-request rows come from: the `requests` view (default) or a materialised copy of it. */
  relation?: string;
  /**
   * Compare only requests scheduled before this time (ms from run start): the common traffic
   * window when one run is partial (see compare-partial.ts). Both runs are cut the same way.
   */
  untilMs?: number;
  /**
   * The baseline's bootstrap, kept across calls that compare the same baseline run (same store,
   * relation, window, resamples and seed give the same replicates): a report compares every
   * strategy with one baseline and draws its replicates once. Only for a relation that does not
   * change between the calls.
   */
  baselineCache?: Map<string, QuantileBootstrap[]>;
  /** The baseline's per-run aggregates, kept across calls like `baselineCache` (same key rules). */
  aggregatesCache?: Map<string, RunAggregates>;
}

export interface ComparisonRow {
  metric: ComparisonMetric;
  label: string;
  unit: MetricUnit;
  direction: Direction;
  method: CiMethod;
  baseline: number | null;
  candidate: number | null;
  /** candidate − baseline, in the metric's unit (a fraction for rates). */
  delta: number | null;
  /** delta relative to the baseline, in percent; null when the baseline is 0 or missing. */
  deltaPct: number | null;
  /** 95% confidence interval of delta; null when there is too little data for one. */
  ci: { lo: number; hi: number } | null;
  /** null when there is no interval. */
  verdict: Verdict | null;
  /** The values each side's metric is computed from (requests, or successful requests for latency). */
  n: { baseline: number; candidate: number };
  /**
   * False for a row shown for context but left out of the overall verdict: total cost, which
   * drops when fewer requests succeed (cost per successful request is the cost comparison).
   */
  judged: boolean;
  /** What to read beside the row (total cost: the success-rate difference). */
  note?: string;
}

export const DEFAULT_RESAMPLES = 1000;
export const DEFAULT_COMPARE_SEED = 1;

function checkOptions(resamples: number, seed: number): void {
  if (!Number.isInteger(resamples) || resamples < 100 || resamples > 100_000)
    throw inputError('BAD_RESAMPLES', `resamples must be an integer from 100 to 100000 (got ${resamples})`, [], 'the default, 1000, gives stable 95% percentile intervals');
  if (!Number.isInteger(seed)) throw inputError('BAD_SEED', `the bootstrap seed must be an integer (got ${seed})`);
}

function row(metric: ComparisonMetric, baseline: number | null, candidate: number | null, ci: DiffCi | null, n: { baseline: number; candidate: number }): ComparisonRow {
  const info = COMPARISON_METRICS[metric];
  const delta = ci?.delta ?? (baseline !== null && candidate !== null ? candidate - baseline : null);
  const magnitude = Math.max(Math.abs(baseline ?? 0), Math.abs(candidate ?? 0));
  return {
    metric,
    label: info.label,
    unit: info.unit,
    direction: info.direction,
    method: info.method,
    baseline,
    candidate,
    delta,
    deltaPct: delta !== null && baseline !== null ? relativePct(delta, baseline) : null,
    ci: ci ? { lo: ci.lo, hi: ci.hi } : null,
    verdict: ci ? verdict(ci, info.direction, magnitude) : null,
    n,
    judged: info.judged !== false,
  };
}

/** Attempts are whole numbers: the variance floor's step is one attempt (stats/mean-ci.ts). */
const attempts = (a: RunAggregates): MeanAggregate => ({ n: a.requests, mean: a.mean_attempts, variance: a.var_attempts, step: 1 });
const cost = (a: RunAggregates): MeanAggregate => ({ n: a.requests, mean: a.mean_cost, variance: a.var_cost });
const costPerSuccess = (a: RunAggregates): RatioAggregate => ({
  n: a.requests,
  meanNum: a.mean_cost ?? 0,
  meanDen: a.mean_success ?? 0,
  varNum: a.var_cost,
  varDen: a.var_success,
  covNumDen: a.cov_cost_success,
});

/**
 * Total cost, with the success difference beside it: a strategy that spends less because fewer
 * requests succeeded is not cheaper, so this row is context and the verdict on cost is per
 * successful request (cost_per_1k_usd). Its verdict still feeds --max-regression budgets.
 */
function totalCostRow(b: RunAggregates, c: RunAggregates, requests: { baseline: number; candidate: number }): ComparisonRow {
  const r = row('total_cost_usd', b.total_cost, c.total_cost, sumDiff(cost(b), cost(c)), requests);
  const successPp = (c.successes / c.requests - b.successes / b.requests) * 100;
  const pp = Math.abs(successPp) < 0.005 ? '±0.00' : `${successPp > 0 ? '+' : '\u2212'}${Math.abs(successPp).toFixed(2)}`;
  const cheaperByFailing = r.delta !== null && r.delta < 0 && successPp < 0;
  r.note = `success ${pp} pp${cheaperByFailing ? ': less spent because fewer requests succeeded' : ''}; compare cost per 1k ok`;
  return r;
}

/** One row per metric (COMPARISON_METRICS order) comparing candidate against baseline. */
export async function compareRuns(base: CompareSide, cand: CompareSide, opts: CompareOptions = {}): Promise<ComparisonRow[]> {
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  const seed = opts.seed ?? DEFAULT_COMPARE_SEED;
  checkOptions(resamples, seed);
  const bInfo = await runInfo(base.store, base.runNo, 'baseline');
  const cInfo = await runInfo(cand.store, cand.runNo, 'candidate');
  checkSameScenario(bInfo, cInfo, opts.allowDifferent);
  const relation = opts.relation ?? 'requests';
  const window = opts.untilMs === undefined ? 'true' : `scheduled_ms < ${Number(opts.untilMs)}`;
  if (opts.untilMs !== undefined && !Number.isFinite(opts.untilMs)) throw new RangeError(`untilMs must be finite (got ${opts.untilMs})`);
  const aggregatesKey = `${relation}\u0000${base.runNo}\u0000${window}`;
  const b = opts.aggregatesCache?.get(aggregatesKey) ?? (await runAggregates(base.store, base.runNo, relation, window));
  opts.aggregatesCache?.set(aggregatesKey, b);
  checkNotEmpty(bInfo, b.requests, 'baseline');
  const c = await runAggregates(cand.store, cand.runNo, relation, window);
  checkNotEmpty(cInfo, c.requests, 'candidate');

  const targets = QUANTILE_METRICS.map(({ column, filter, p }) => ({ column, filter, p }));
  // Independent streams per side: the two runs are resampled independently.
  const baseSample = { store: base.store, from: relation, where: `run_no = ${Math.trunc(base.runNo)} AND ${window}` };
  const cacheKey = `${baseSample.from}\u0000${baseSample.where}\u0000${resamples}\u0000${seed}`;
  const bq = opts.baselineCache?.get(cacheKey) ?? (await bootstrapQuantiles(baseSample, targets, { resamples, rng: Rng.derive(seed, 'compare/baseline') }));
  opts.baselineCache?.set(cacheKey, bq);
  const cq = await bootstrapQuantiles({ store: cand.store, from: relation, where: `run_no = ${Math.trunc(cand.runNo)} AND ${window}` }, targets, { resamples, rng: Rng.derive(seed, 'compare/candidate') });
  const quantileRow = (i: number) => {
    const [qb, qc] = [bq[i]!, cq[i]!] as [QuantileBootstrap, QuantileBootstrap];
    return row(QUANTILE_METRICS[i]!.metric, qb.estimate, qc.estimate, quantileDiffCi(qb, qc), { baseline: qb.n, candidate: qc.n });
  };
  const requests = { baseline: b.requests, candidate: c.requests };

  const rows: ComparisonRow[] = [
    row('success_rate', b.successes / b.requests, c.successes / c.requests, newcombeDiff(c.successes, c.requests, b.successes, b.requests), requests),
    ...QUANTILE_METRICS.map((_, i) => quantileRow(i)),
    row('mean_attempts', b.mean_attempts, c.mean_attempts, welchDiff(attempts(b), attempts(c)), requests),
    row('failover_rate', b.failovers / b.requests, c.failovers / c.requests, newcombeDiff(c.failovers, c.requests, b.failovers, b.requests), requests),
    row('cost_per_1k_usd', ratioValue(costPerSuccess(b), 1000), ratioValue(costPerSuccess(c), 1000), ratioDiff(costPerSuccess(b), costPerSuccess(c), 1000), {
      baseline: b.successes,
      candidate: c.successes,
    }),
    totalCostRow(b, c, requests),
  ];
  return rows;
}
