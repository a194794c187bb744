/**
 * History of a scenario: success rate, p95 latency and cost per 1k successful requests of every
 * strategy over the last N run groups (x: one column per run group, labelled by commit and date).
 * The regression budget is drawn from each run group to the next: a short bar at the value the
 * budget allows given the previous run group's value, and a red ring around a value beyond it.
 * (The CI gate also requires the change to be significant; the chart shows point estimates.)
 */
import type { BudgetEntry } from '../regression-budget.js';
import type { HistoryRow } from '../../store/history-queries.js';
import { CONFIG, strategyColor, WIDTH, wrapLines, type Row, type Spec } from './chart-common.js';

type Metric = 'success_rate' | 'p95_latency_ms' | 'cost_per_1k_usd';

const PANELS: { metric: Metric; title: string; format: string; higherIsBetter: boolean }[] = [
  { metric: 'success_rate', title: 'success rate', format: '.2%', higherIsBetter: true },
  { metric: 'p95_latency_ms', title: 'p95 latency (ms)', format: ',.0f', higherIsBetter: false },
  { metric: 'cost_per_1k_usd', title: 'USD per 1k ok', format: '$,.3f', higherIsBetter: false },
];

/** The worst value the budget allows after `prev` (null without a budget for the metric). */
export function budgetLimit(prev: number, metric: Metric, budget: readonly BudgetEntry[]): number | null {
  const e = budget.find((b) => b.metric === metric);
  if (!e) return null;
  const higher = metric === 'success_rate';
  const room = e.unit === 'relative' ? Math.abs(prev) * (e.amount / 100) : e.unit === 'pp' ? e.amount / 100 : e.amount;
  return higher ? prev - room : prev + room;
}

/** "a1b2c3d · 12-06 15:57": the column label of a run group. */
export function groupLabel(r: Pick<HistoryRow, 'commit' | 'started_at' | 'run_group'>, i: number): string {
  const commit = r.commit ? r.commit.split(',')[0]!.slice(0, 7) : 'no commit';
  return `${i + 1}. ${commit} · ${r.started_at.slice(5, 16).replace('T', ' ')}`;
}

export function historyTrendChart(rows: readonly HistoryRow[], strategies: readonly string[], budget: readonly BudgetEntry[]): Spec {
  const groups = [...new Set(rows.map((r) => r.run_group))];
  const labelOf = new Map(groups.map((g, i) => [g, groupLabel(rows.find((r) => r.run_group === g)!, i)]));
  const domain = [...strategies, ...[...new Set(rows.map((r) => r.strategy))].filter((s) => !strategies.includes(s)).sort()];
  const points: Row[] = rows.map((r) => ({ ...r, group: labelOf.get(r.run_group) }));
  // A strategy missing from a run group between two it ran in (left out: stopped early, or not in
  // that version of the scenario) gets a point without values: the line breaks there instead of
  // joining its neighbours as if the missing group lay on the straight line between them.
  for (const s of domain) {
    const at = groups.map((g) => rows.some((r) => r.strategy === s && r.run_group === g));
    const [first, last] = [at.indexOf(true), at.lastIndexOf(true)];
    for (let i = first + 1; i < last; i++)
      if (!at[i]) points.push({ strategy: s, run_group: groups[i], group: labelOf.get(groups[i]!), success_rate: null, p95_latency_ms: null, cost_per_1k_usd: null });
  }
  const limits: Row[] = [];
  for (const p of PANELS)
    for (const s of domain) {
      const mine = rows.filter((r) => r.strategy === s);
      for (let i = 1; i < mine.length; i++) {
        const prev = mine[i - 1]![p.metric];
        const cur = mine[i]![p.metric];
        if (prev === null || cur === null) continue;
        const limit = budgetLimit(prev, p.metric, budget);
        if (limit === null) continue;
        const over = p.higherIsBetter ? cur < limit : cur > limit;
        limits.push({ metric: p.metric, strategy: s, group: labelOf.get(mine[i]!.run_group), limit, value: cur, over });
      }
    }
  const x = { field: 'group', type: 'ordinal' as const, sort: groups.map((g) => labelOf.get(g)!), title: 'run group (commit · UTC start)', axis: { labelAngle: -30, labelLimit: 160 } };
  const budgetText = budget.length ? budget.map((b) => b.source).join(' ') : 'none';
  const panel = (p: (typeof PANELS)[number], last: boolean) => ({
    width: WIDTH,
    height: 140,
    layer: [
      {
        data: { values: points },
        mark: { type: 'line' as const, point: { filled: true, size: 40 }, strokeWidth: 1.8 },
        encoding: {
          x: last ? x : { ...x, title: null, axis: { labels: false, ticks: true } },
          y: { field: p.metric, type: 'quantitative' as const, title: p.title, scale: { zero: false }, axis: { format: p.format, tickCount: 4 } },
          color: strategyColor(domain),
          tooltip: [
            { field: 'strategy', type: 'nominal' as const },
            { field: 'group', type: 'nominal' as const, title: 'run group' },
            { field: 'run_group', type: 'nominal' as const, title: 'id' },
            { field: p.metric, type: 'quantitative' as const, format: p.format, title: p.title },
            { field: 'requests', type: 'quantitative' as const, format: ',' },
          ],
        },
      },
      {
        data: { values: limits.filter((l) => l.metric === p.metric) },
        mark: { type: 'tick' as const, thickness: 2, size: 16, opacity: 0.8 },
        encoding: { x, y: { field: 'limit', type: 'quantitative' as const }, color: strategyColor(domain), tooltip: [{ field: 'strategy', type: 'nominal' as const }, { field: 'limit', type: 'quantitative' as const, format: p.format, title: 'budget allows' }] },
      },
      {
        data: { values: limits.filter((l) => l.metric === p.metric && l.over) },
        mark: { type: 'point' as const, size: 200, strokeWidth: 2, color: '#b2182b', filled: false },
        encoding: { x, y: { field: 'value', type: 'quantitative' as const } },
      },
    ],
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `History: the last ${groups.length} run groups`,
      subtitle: wrapLines([`bars: what the regression budget (${budgetText}) allows after the previous run group; red ring: beyond it`, 'point estimates; the CI gate (routebench compare --max-regression) also requires a significant change']),
    },
    config: CONFIG,
    vconcat: PANELS.map((p, i) => panel(p, i === PANELS.length - 1)),
    resolve: { scale: { color: 'shared', x: 'shared' } },
  } as Spec;
}
