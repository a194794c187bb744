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
  latencyCdf,
  overTime,
  spendPerTag,
  spendTagKey,
  targetShare,
  winners,
} from '../store/report-queries.js';
import { attemptsChart } from './charts/attempts.js';
import type { Incident, Row, Spec } from './charts/chart-common.js';
import { costVsLatencyChart } from './charts/cost-vs-latency.js';
import { errorKindsChart } from './charts/error-kinds.js';
import { budgetUseChart } from './charts/budget-use.js';
import { failureLayersChart } from './charts/failure-layers.js';
import { latencyCdfChart } from './charts/latency-cdf.js';
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
  incidents: Incident[];
}

/**
 * `strategies` maps run_no → label, in summary order; `prepared` is what prepareReport returned
 * (the runs' requests materialised as temp table `rq`).
 */
export async function buildCharts(store: Store, strategies: ReadonlyMap<number, string>, prepared: { bucketMs: number; spanMs: number }): Promise<ChartSet> {
  const runNos = [...strategies.keys()];
  const labels = [...strategies.values()];
  const label = <T extends { run_no: number }>(rows: readonly T[]): Row[] => rows.map((r) => ({ ...r, strategy: strategies.get(r.run_no) ?? String(r.run_no) }));
  const { bucketMs, spanMs } = prepared;
  const incidents = await incidentWindows(store, runNos);
  const targets = (await store.all<{ target_id: string }>(`SELECT DISTINCT target_id, min(target_no) AS n FROM targets WHERE run_no IN (${runNos.join(', ')}) GROUP BY target_id ORDER BY n`)).map((t) => t.target_id);
  const charts: ChartSpec[] = [
    { id: 'latency-cdf', title: 'Latency CDF', spec: latencyCdfChart(label(await latencyCdf(store)), labels) },
    { id: 'cost-vs-latency', title: 'Cost vs p95 latency', spec: costVsLatencyChart(label(await costLatencyFront(store)), labels) },
    { id: 'over-time', title: 'Availability and p95 over time', spec: overTimeChart(label(await overTime(store, bucketMs)), incidents, labels, spanMs) },
    { id: 'target-share', title: 'Share of attempts per target', spec: targetShareChart(label(await targetShare(store, runNos, bucketMs)), labels, targets, spanMs) },
    { id: 'attempts', title: 'Attempts per request', spec: attemptsChart(label(await attemptsHistogram(store)), labels) },
    { id: 'error-kinds', title: 'Faults by kind', spec: errorKindsChart(label(await errorKinds(store, runNos)), labels) },
  ];
  const viaGateway = await store.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM targets WHERE via IS NOT NULL AND run_no IN (${runNos.join(', ')})`);
  if ((viaGateway[0]?.n ?? 0) > 0)
    charts.push({ id: 'failure-layers', title: 'Failed requests by layer', spec: failureLayersChart(label(await failureLayers(store, bucketMs)), labels, spanMs) });
  const budgets = await budgetUse(store, runNos, bucketMs);
  if (budgets.length > 0)
    charts.push({ id: 'budget-use', title: 'Budgets', spec: budgetUseChart(label(budgets), label(await budgetEvents(store, runNos)), spanMs) });
  const tagKey = await spendTagKey(store, runNos);
  if (tagKey) charts.push({ id: 'spend-per-tag', title: `Spend per ${tagKey}`, spec: spendPerTagChart(label(await spendPerTag(store, tagKey, bucketMs)), tagKey, labels, spanMs) });
  return { charts, winners: await winners(store), incidents };
}
