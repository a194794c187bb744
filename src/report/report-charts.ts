/** Queries a run group's chart data (SQL) and builds every chart spec, one builder per chart. */
import type { Store } from '../store/open-store.js';
import {
  attemptsHistogram,
  costLatencyFront,
  budgetEvents,
  budgetUse,
  errorKinds,
  failureLayers,
  incidentWindows,
  overTime,
  spendPerTag,
  spendTagKey,
  targetShare,
  winners,
} from '../store/report-queries.js';
import { throughGateway } from '../store/report-rq.js';
import { attemptsChart } from './charts/attempts.js';
import type { Incident, Row, Spec } from './charts/chart-common.js';
import { costVsLatencyChart, type TieBands } from './charts/cost-vs-latency.js';
import { errorKindsChart } from './charts/error-kinds.js';
import { budgetUseChart } from './charts/budget-use.js';
import { failureLayersChart } from './charts/failure-layers.js';
import { latencyShiftChart } from './charts/latency-shift.js';
import { latencyShift, quantileName, SHIFT_QUANTILES } from './latency-shift.js';
import type { BaselineComparison } from './baseline-comparisons.js';
import { eligibleForBest, type Eligibility } from './best-in-column.js';
import type { SummaryRow } from '../store/queries.js';
import type { ThresholdResult } from './thresholds.js';
import { overTimeChart } from './charts/over-time.js';
import { spendPerTagChart } from './charts/spend-per-tag.js';
import { targetShareChart } from './charts/target-share.js';
import type { Winners } from './html-page.js';

export interface ChartSpec {
  id: string;
  title: string;
  spec: Spec;
}

export interface ChartSet {
  charts: ChartSpec[];
  winners: Winners[];
  /** Who competed for "best in column", and the rule in words. */
  eligibility: Eligibility;
  incidents: Incident[];
}

export interface ChartInputs {
  /** Summary rows in summary order: the first is the baseline. */
  rows: readonly SummaryRow[];
  thresholds: ReadonlyMap<string, readonly ThresholdResult[]>;
  /** Comparisons with the baseline (for the tie bands). */
  comparisons: readonly BaselineComparison[];
  /** Bootstrap resamples and seed of the shift plot's intervals. */
  resamples: number;
  seed: number;
}

/** Median half-width of the comparisons' 95% intervals for one metric (null without any). */
function tieHalfWidth(comps: readonly BaselineComparison[], metric: string): number | null {
  const hw = comps
    .map((c) => c.rows.find((r) => r.metric === metric)?.ci)
    .filter((ci): ci is { lo: number; hi: number } => !!ci && Number.isFinite(ci.lo) && Number.isFinite(ci.hi))
    .map((ci) => (ci.hi - ci.lo) / 2)
    .sort((a, b) => a - b);
  return hw.length === 0 ? null : hw[Math.floor((hw.length - 1) / 2)]!;
}

export function tieBands(comps: readonly BaselineComparison[]): TieBands | null {
  if (comps.length === 0) return null;
  return { p95_latency_ms: tieHalfWidth(comps, 'p95_latency_ms'), cost_per_1k_usd: tieHalfWidth(comps, 'cost_per_1k_usd'), success_rate: tieHalfWidth(comps, 'success_rate') };
}

/**
 * `strategies` maps run_no → label, in summary order; `prepared` is what prepareReport returned
 * (the runs' requests materialised as temp table `rq`).
 */
export async function buildCharts(store: Store, strategies: ReadonlyMap<number, string>, prepared: { bucketMs: number; spanMs: number }, inputs: ChartInputs): Promise<ChartSet> {
  const runNos = [...strategies.keys()];
  const labels = [...strategies.values()];
  // Rows in summary (declared strategy) order, whatever run numbers a merge gave the runs; a run's own rows keep the query's order.
  const position = new Map(runNos.map((n, i) => [n, i]));
  const label = <T extends { run_no: number }>(rows: readonly T[]): Row[] =>
    rows
      .map((r) => ({ ...r, strategy: strategies.get(r.run_no) ?? String(r.run_no) }))
      .sort((a, b) => (position.get(a.run_no) ?? runNos.length) - (position.get(b.run_no) ?? runNos.length));
  const { bucketMs, spanMs } = prepared;
  const incidents = await incidentWindows(store, runNos);
  const targets = await store.all<{ target: string; provider: string }>(
    `SELECT target_id AS target, any_value(provider) AS provider, min(run_no * 100000 + target_no) AS n FROM targets WHERE run_no IN (${runNos.join(', ')}) GROUP BY target_id ORDER BY n`,
  );
  const baseline = labels[0] ?? '';
  const shift = await latencyShift(store, runNos.map((n) => ({ runNo: n, strategy: strategies.get(n)! })), { resamples: inputs.resamples, seed: inputs.seed, relation: 'rq' });
  const front = label(await costLatencyFront(store, inputs.rows)).sort((a, b) => labels.indexOf(String(a.strategy)) - labels.indexOf(String(b.strategy)));
  const charts: ChartSpec[] = [];
  if (shift.length > 0) charts.push({ id: 'latency-shift', title: `Latency vs ${baseline} by quantile`, spec: latencyShiftChart(shift, baseline, labels, SHIFT_QUANTILES.map(quantileName)) });
  charts.push(
    { id: 'cost-vs-latency', title: 'Cost vs p95 latency and success rate', spec: costVsLatencyChart(front as never, labels, tieBands(inputs.comparisons)) },
    { id: 'over-time', title: 'Availability and p95 over time', spec: overTimeChart(label(await overTime(store, bucketMs)), incidents, labels, spanMs, bucketMs) },
    { id: 'target-share', title: 'Share of attempts per target', spec: targetShareChart(label(await targetShare(store, runNos, bucketMs)), labels, targets, spanMs, bucketMs) },
    { id: 'attempts', title: 'Attempts per request', spec: attemptsChart(label(await attemptsHistogram(store)), labels) },
    { id: 'error-kinds', title: 'Faults by kind', spec: errorKindsChart(label(await errorKinds(store, runNos)), labels) },
  );
  // rq holds last_error only then (report-rq.ts)
  if (await throughGateway(store, runNos))
    charts.push({ id: 'failure-layers', title: 'Failed requests by layer', spec: failureLayersChart(label(await failureLayers(store, bucketMs)), labels, spanMs, bucketMs) });
  const budgets = await budgetUse(store, runNos, bucketMs);
  if (budgets.length > 0)
    charts.push({ id: 'budget-use', title: 'Budgets', spec: budgetUseChart(label(budgets), label(await budgetEvents(store, runNos)), spanMs) });
  const tagKey = await spendTagKey(store, runNos);
  if (tagKey) charts.push({ id: 'spend-per-tag', title: `Spend per ${tagKey}`, spec: spendPerTagChart(label(await spendPerTag(store, tagKey, bucketMs)), tagKey, labels, spanMs) });
  const eligibility = eligibleForBest(inputs.rows, inputs.thresholds);
  return { charts, winners: await winners(store, eligibility.runNos, inputs.rows), eligibility, incidents };
}
