/**
 * The backtest: the recorded traffic simulated through the strategy that was deployed, on the
 * calibrated mocks, against what was recorded. One fidelity row per measure, with the difference
 * and whether it is within the tolerance (success and failover rates in percentage points,
 * latencies, TTFT and cost as a relative difference); then the share each target served, and
 * success over time. Only a backtest within tolerance makes what-if strategies on the same
 * calibration worth reading.
 */
import type { Price } from '../providers/canonical.js';
import type { Store } from '../store/open-store.js';
import { recordedAggregates, simulatedAggregates, successOverTime, targetShares, type SideAggregates } from '../store/backtest-queries.js';
import { loadObserved } from '../calibrate/observed-table.js';

export interface BacktestTolerance {
  /** Largest allowed |difference| in success rate, percentage points. */
  successPp: number;
  /** Largest allowed relative difference of p50/p95 latency and TTFT, percent. */
  latencyPct: number;
}

export interface FidelityRow {
  metric: string;
  recorded: number | null;
  simulated: number | null;
  /** Percentage points for rates, percent for the rest. */
  difference: number | null;
  unit: 'pp' | '%';
  /** undefined: not judged (no tolerance applies, or one side has no data). */
  within: boolean | undefined;
}

export interface Backtest {
  rows: FidelityRow[];
  shares: { target: string; recorded: number; simulated: number }[];
  overTime: { t_ms: number; recorded: number | null; simulated: number | null; n: number }[];
  bucketMs: number;
  tolerance: BacktestTolerance;
  pass: boolean;
}

const RATES: [keyof SideAggregates, string, boolean][] = [
  ['success_rate', 'success rate', true],
  ['failover_rate', 'failover rate', false],
];
const RELATIVE: [keyof SideAggregates, string, boolean][] = [
  ['p50_latency_ms', 'p50 latency (ms)', true],
  ['p95_latency_ms', 'p95 latency (ms)', true],
  ['p50_ttft_ms', 'p50 TTFT (ms)', true],
  ['p95_ttft_ms', 'p95 TTFT (ms)', true],
  ['cost_per_1k_ok_usd', 'cost per 1k ok (USD)', false],
];

export async function backtest(store: Store, runNo: number, traceFiles: readonly string[], prices: ReadonlyMap<string, Price>, tolerance: BacktestTolerance): Promise<Backtest> {
  const load = await loadObserved(store, traceFiles);
  await store.run(`CREATE OR REPLACE TEMP TABLE bt_prices (target VARCHAR, input DOUBLE, output DOUBLE, cached_input DOUBLE)`);
  for (const [target, p] of prices) await store.run(`INSERT INTO bt_prices VALUES ($t, $i, $o, $c)`, { t: target, i: p.input, o: p.output, c: p.cached_input });
  const rec = await recordedAggregates(store);
  const sim = await simulatedAggregates(store, runNo);
  const rows: FidelityRow[] = [];
  for (const [key, metric, judged] of RATES) {
    const [a, b] = [rec[key] as number | null, sim[key] as number | null];
    const difference = a === null || b === null ? null : (b - a) * 100;
    rows.push({ metric, recorded: a, simulated: b, difference, unit: 'pp', within: judged && difference !== null ? Math.abs(difference) <= tolerance.successPp : undefined });
  }
  for (const [key, metric, judged] of RELATIVE) {
    const [a, b] = [rec[key] as number | null, sim[key] as number | null];
    const difference = a === null || b === null || a === 0 ? null : ((b - a) / a) * 100;
    rows.push({ metric, recorded: a, simulated: b, difference, unit: '%', within: judged && difference !== null ? Math.abs(difference) <= tolerance.latencyPct : undefined });
  }
  const bucketMs = Math.max(1000, Math.ceil(load.spanMs / 24 / 1000) * 1000);
  return {
    rows,
    shares: await targetShares(store, runNo),
    overTime: await successOverTime(store, runNo, bucketMs),
    bucketMs,
    tolerance,
    pass: rows.every((r) => r.within !== false),
  };
}

const num = (v: number | null, unit: FidelityRow['unit'], metric: string) =>
  v === null ? '–' : metric.endsWith('rate') ? `${(v * 100).toFixed(2)}%` : metric.includes('USD') ? `$${v.toFixed(4)}` : Math.round(v).toLocaleString('en-US');

export function backtestMarkdown(b: Backtest, strategy: string): string {
  const out = [
    `## Backtest: ${strategy} against the recording`,
    '',
    `Within tolerance: **${b.pass ? 'yes' : 'no'}** (success within ${b.tolerance.successPp} pp, p50/p95 latency and TTFT within ${b.tolerance.latencyPct}%).`,
    '',
    '| measure | recorded | simulated | difference | within |',
    '| --- | ---: | ---: | ---: | :---: |',
  ];
  for (const r of b.rows)
    out.push(`| ${r.metric} | ${num(r.recorded, r.unit, r.metric)} | ${num(r.simulated, r.unit, r.metric)} | ${r.difference === null ? '–' : `${r.difference >= 0 ? '+' : ''}${r.difference.toFixed(2)} ${r.unit}`} | ${r.within === undefined ? '' : r.within ? 'yes' : '**no**'} |`);
  out.push('', '| target | share recorded | share simulated |', '| --- | ---: | ---: |');
  for (const s of b.shares) out.push(`| ${s.target} | ${(s.recorded * 100).toFixed(1)}% | ${(s.simulated * 100).toFixed(1)}% |`);
  const worst = b.overTime.filter((t) => t.recorded !== null && t.simulated !== null && t.n >= 20).reduce((m, t) => Math.max(m, Math.abs(t.recorded! - t.simulated!)), 0);
  out.push('', `Success over time (${b.bucketMs / 1000} s buckets with 20+ calls): the largest gap is ${(worst * 100).toFixed(1)} pp.`, '');
  return out.join('\n');
}
