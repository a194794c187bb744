/**
 * The backtest: the recorded traffic simulated through the strategy that was deployed, on the
 * calibrated mocks, against what was recorded. One fidelity row per measure, with the difference
 * and whether it is within the tolerance (success and failover rates in percentage points,
 * latencies, TTFT and cost as a relative difference; a rate whose 95% interval still reaches into
 * the tolerance is "within noise", not a failure); then the share each target served, and
 * success over time. Only a backtest within tolerance makes what-if strategies on the same
 * calibration worth reading.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Price } from '../providers/canonical.js';
import { formatDuration } from '../scenario/duration.js';
import type { Store } from '../store/open-store.js';
import { perModel, perTarget, recordedAggregates, simulatedAggregates, successOverTime, targetShares, unpricedTargets, type SideAggregates, type TargetSide } from '../store/backtest-queries.js';
import { loadObserved } from '../calibrate/observed-table.js';
import { newcombeDiff } from '../stats/wilson.js';
import { markLeftOut, type LeftOut } from './backtest-left-out.js';
import { backtestMarkdown } from './backtest-markdown.js';

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
  /** Rates: 95% interval of the difference (Newcombe), pp. */
  ci?: [number, number];
  /** undefined: not judged (no tolerance applies, or one side has no data). */
  within: boolean | undefined;
  /** Outside the tolerance, but the interval reaches into it: the samples are too small to tell. */
  noise?: boolean;
  /**
   * A percentile with fewer than 1/(1 − p) values on a side (2 for p50, 20 for p95): none lies
   * beyond it, the figure is interpolated among the largest few, and the row is not judged.
   */
  few?: boolean;
}

export interface Backtest {
  rows: FidelityRow[];
  shares: { target: string; recorded: number; simulated: number }[];
  overTime: { t_ms: number; recorded: number | null; simulated: number | null; n: number }[];
  bucketMs: number;
  tolerance: BacktestTolerance;
  pass: boolean;
  /** Calls each side counts: the same requests of the trace on both. */
  requests: { recorded: number; simulated: number };
  /** Trace rows left out of both sides (they say nothing about a provider). */
  leftOut: LeftOut;
  /** Per target, both sides (not judged): calls, success rate, p50 TTFT and latency, cost. */
  targets?: { target: string; recorded: TargetSide | null; simulated: TargetSide | null }[];
  /** Per model on each target whose recording asked it for several (as `targets`; absent when none did). */
  models?: { target: string; model: string; recorded: TargetSide | null; simulated: TargetSide | null }[];
  /** Recorded targets the scenario has no target for: no price, so the recorded cost is not known. */
  unpriced?: { target: string; calls: number }[];
  /**
   * Set when the simulated run did not see the whole recording (an abort_on_fail threshold stopped
   * it, or it was interrupted or failed): why, in words. The backtest then does not pass.
   */
  partial?: string;
}

/** Rate, label, judged, and the count it is a share of (failover: the calls whose upstream attempts the recording knows). */
const RATES: [keyof SideAggregates, string, boolean, 'requests' | 'failover_known'][] = [
  ['success_rate', 'success rate', true, 'requests'],
  ['failover_rate', 'failover rate', false, 'failover_known'],
];
/** Measure, label, judged, and for a percentile its p and the count it is over. */
const RELATIVE: [keyof SideAggregates, string, boolean, { p: number; of: 'successes' | 'streamed_successes' }?][] = [
  ['p50_latency_ms', 'p50 latency (ms)', true, { p: 0.5, of: 'successes' }],
  ['p95_latency_ms', 'p95 latency (ms)', true, { p: 0.95, of: 'successes' }],
  ['p50_ttft_ms', 'p50 TTFT (ms)', true, { p: 0.5, of: 'streamed_successes' }],
  ['p95_ttft_ms', 'p95 TTFT (ms)', true, { p: 0.95, of: 'streamed_successes' }],
  ['cost_per_1k_ok_usd', 'cost per 1k ok (USD)', false],
];

/** Fewer than 1/(1 − p) values: none lies beyond the p-quantile (n·(1 − p) < 1). */
const fewFor = (p: number, n: number) => n * (1 - p) < 1;

/**
 * simulated − recorded rate in percentage points, with Newcombe's 95% interval (hybrid score, for
 * two independent samples: what was recorded and what was simulated).
 */
export function rateDifferencePp(xRec: number, nRec: number, xSim: number, nSim: number): { difference: number; ci: [number, number] } {
  const d = newcombeDiff(xSim, nSim, xRec, nRec);
  return { difference: d.delta * 100, ci: [d.lo * 100, d.hi * 100] };
}

/**
 * Differences in floating point are not exact (0.89 − 0.90 is −0.010000000000000009, 1,357.95 is
 * 10.000000000000004% over 1,234.5): a difference equal to the tolerance is within it, so the
 * comparison allows this much rounding noise (far below anything the table shows).
 */
const ROUNDING = 1e-9;

/** The fidelity rows of the two sides' aggregates, each judged against the tolerance. */
export function fidelityRows(rec: SideAggregates, sim: SideAggregates, tolerance: BacktestTolerance): FidelityRow[] {
  const rows: FidelityRow[] = [];
  for (const [key, metric, judged, of] of RATES) {
    const [a, b] = [rec[key] as number | null, sim[key] as number | null];
    if (a === null || b === null) {
      rows.push({ metric, recorded: a, simulated: b, difference: null, unit: 'pp', within: undefined });
      continue;
    }
    const { difference, ci } = rateDifferencePp(Math.round(a * rec[of]), rec[of], Math.round(b * sim[of]), sim[of]);
    const tol = tolerance.successPp + ROUNDING;
    const inside = Math.abs(difference) <= tol;
    const reaches = ci[0] <= tol && ci[1] >= -tol;
    rows.push({ metric, recorded: a, simulated: b, difference, unit: 'pp', ci, within: judged ? inside || reaches : undefined, ...(judged && !inside && reaches ? { noise: true } : {}) });
  }
  for (const [key, metric, judged, q] of RELATIVE) {
    const [a, b] = [rec[key] as number | null, sim[key] as number | null];
    const difference = a === null || b === null || a === 0 ? null : ((b - a) / a) * 100;
    const few = q !== undefined && difference !== null && (fewFor(q.p, rec[q.of]) || fewFor(q.p, sim[q.of]));
    rows.push({ metric, recorded: a, simulated: b, difference, unit: '%', within: judged && difference !== null && !few ? Math.abs(difference) <= tolerance.latencyPct + ROUNDING : undefined, ...(few ? { few: true } : {}) });
  }
  return rows;
}

/**
 * `modelPrices`: per target id, the prices of the models it lists in `mock.models` (the plan's
 * `modelPrices`): a recorded call asking for one of them is priced at it, as the simulation bills it.
 */
export async function backtest(
  store: Store,
  runNo: number,
  traceFiles: readonly string[],
  prices: ReadonlyMap<string, Price>,
  tolerance: BacktestTolerance,
  o: { skipBadRows?: boolean; modelPrices?: ReadonlyMap<string, ReadonlyMap<string, Price>>; limit?: number } = {},
): Promise<Backtest> {
  // The rows the recorded side leaves out leave the simulated side too (backtest-left-out.ts). With
  // on_bad_row: skip the recorded side is the rows the simulation's reader took, not the file.
  const readDir = o.skipBadRows && traceFiles.length === 1 ? mkdtempSync(join(tmpdir(), 'routebench-backtest-')) : undefined;
  let load: Awaited<ReturnType<typeof loadObserved>>;
  let leftOut: LeftOut;
  try {
    const readRows = readDir === undefined ? undefined : join(readDir, 'read.jsonl');
    leftOut = traceFiles.length === 1 ? await markLeftOut(store, traceFiles[0]!, o.skipBadRows ? 'skip' : 'fail', { readRows }) : { cacheHits: 0, clientClosed: 0, unobserved: 0 };
    // with the failed upstream attempts a gateway log lists: the per-target table counts attempts on both sides
    load = await loadObserved(store, readRows === undefined ? traceFiles : [readRows], { shownAs: traceFiles, upstreamAttempts: true });
  } finally {
    if (readDir !== undefined) rmSync(readDir, { recursive: true, force: true });
  }
  await store.run(`CREATE OR REPLACE TEMP TABLE bt_prices (target VARCHAR, input DOUBLE, output DOUBLE, cached_input DOUBLE)`);
  for (const [target, p] of prices) await store.run(`INSERT INTO bt_prices VALUES ($t, $i, $o, $c)`, { t: target, i: p.input, o: p.output, c: p.cached_input });
  await store.run(`CREATE OR REPLACE TEMP TABLE bt_model_prices (target VARCHAR, model VARCHAR, input DOUBLE, output DOUBLE, cached_input DOUBLE)`);
  for (const [target, byModel] of o.modelPrices ?? [])
    for (const [model, p] of byModel) await store.run(`INSERT INTO bt_model_prices VALUES ($t, $m, $i, $o, $c)`, { t: target, m: model, i: p.input, o: p.output, c: p.cached_input });
  const rec = await recordedAggregates(store);
  const sim = await simulatedAggregates(store, runNo);
  const rows = fidelityRows(rec, sim, tolerance);
  const bucketMs = Math.max(1000, Math.ceil(load.spanMs / 24 / 1000) * 1000);
  // A simulation that stopped early covers part of the recording: its figures are not the recording's.
  const [run] = await store.all<{ status: string; stopped_at_ms: number | null }>(`SELECT status, stopped_at_ms FROM runs WHERE run_no = ${Math.trunc(runNo)}`);
  // So does one `run --limit` cut short: fewer requests simulated than the recording holds.
  const partial =
    run?.stopped_at_ms !== null && run?.stopped_at_ms !== undefined
      ? `an abort_on_fail threshold stopped the simulation at ${formatDuration(Math.round(run.stopped_at_ms / 1000) * 1000)} of the recording`
      : run && run.status !== 'ok' && run.status !== 'thresholds_failed'
        ? `the simulation did not finish (status ${run.status})`
        : o.limit !== undefined && sim.requests < rec.requests
          ? `--limit ${o.limit} simulated only the first ${o.limit.toLocaleString('en-US')} requests of the recording`
          : undefined;
  const models = await perModel(store, runNo);
  return {
    rows,
    shares: await targetShares(store, runNo),
    targets: await perTarget(store, runNo),
    ...(models.length > 0 ? { models } : {}),
    overTime: await successOverTime(store, runNo, bucketMs),
    bucketMs,
    tolerance,
    pass: partial === undefined && rows.every((r) => r.within !== false),
    requests: { recorded: rec.requests, simulated: sim.requests },
    leftOut,
    unpriced: await unpricedTargets(store),
    ...(partial ? { partial } : {}),
  };
}

export { backtestMarkdown, backtestVerdict } from './backtest-markdown.js';

/**
 * The backtest a scenario's `backtest:` block asks for, after its runs: the deployed strategy's
 * run against the scenario's trace, with the block's tolerances. Undefined when the scenario has
 * no block, the strategy did not run here, or the traffic is not a routebench trace.
 */
export async function scenarioBacktest(
  store: Store,
  loaded: { scenario: { backtest?: { strategy: string; success_pp: number; latency_pct: number }; traffic: { trace?: { format?: string; on_bad_row?: string } } } },
  plan: { tracePath?: string; targets: readonly { id: string; price: Price; modelPrices?: ReadonlyMap<string, Price> }[] },
  runs: readonly { strategy: string; runNo: number }[],
  override: Partial<BacktestTolerance> & { strategy?: string; limit?: number } = {},
): Promise<{ strategy: string; result: Backtest; markdown: string } | undefined> {
  const block = loaded.scenario.backtest;
  const strategy = override.strategy ?? block?.strategy;
  const run = runs.find((r) => r.strategy === strategy);
  if (strategy === undefined || !run || !plan.tracePath || (loaded.scenario.traffic.trace?.format ?? 'routebench') !== 'routebench') return undefined;
  const tolerance = { successPp: override.successPp ?? block?.success_pp ?? 1, latencyPct: override.latencyPct ?? block?.latency_pct ?? 10 };
  const result = await backtest(store, run.runNo, [plan.tracePath], new Map(plan.targets.map((t) => [t.id, t.price])), tolerance, {
    skipBadRows: loaded.scenario.traffic.trace?.on_bad_row === 'skip',
    modelPrices: new Map(plan.targets.flatMap((t) => (t.modelPrices ? [[t.id, t.modelPrices] as const] : []))),
    limit: override.limit,
  });
  return { strategy, result, markdown: backtestMarkdown(result, strategy) };
}
