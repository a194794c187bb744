/** Evaluates a run's thresholds (scenario-wide plus per strategy) in SQL. */
import { compare, parseThreshold, type ThresholdExpr } from '../scenario/threshold-expr.js';
import type { ThresholdsSpec } from '../scenario/schema.js';
import { formatDuration } from '../scenario/duration.js';
import type { Store } from '../store/open-store.js';
import { metricValues } from '../store/queries.js';

export interface ThresholdResult {
  metric: string;
  threshold: string;
  /** null when there was no data (e.g. no successful request): counted as a failure. */
  actual: number | null;
  passed: boolean;
  abortOnFail: boolean;
  /** Set when this threshold stopped the run (abort_on_fail): traffic time of the stop. */
  abortedAtMs?: number;
}

/** Flattens a thresholds spec into parsed expressions (already validated at load). */
export interface ThresholdItem {
  metric: string;
  expr: ThresholdExpr;
  abortOnFail: boolean;
  /** abort_on_fail is not evaluated before this much traffic time. */
  delayMs: number;
}

export function thresholdList(spec: ThresholdsSpec): ThresholdItem[] {
  const out: ThresholdItem[] = [];
  for (const [metric, entries] of Object.entries(spec)) {
    for (const entry of entries) {
      const source = typeof entry === 'string' ? entry : entry.threshold;
      const expr = parseThreshold(metric, source);
      if ('error' in expr) throw new Error(`threshold ${metric}: ${expr.error}`);
      out.push({
        metric,
        expr,
        abortOnFail: typeof entry === 'string' ? false : entry.abort_on_fail,
        delayMs: typeof entry === 'string' ? 0 : (entry.delay_abort_eval ?? 0),
      });
    }
  }
  return out;
}

export async function evaluateThresholds(store: Store, runNo: number, spec: ThresholdsSpec): Promise<ThresholdResult[]> {
  const list = thresholdList(spec);
  const values = await metricValues(store, runNo, list);
  return list.map((t, i) => {
    const actual = values[i] ?? null;
    return {
      metric: t.metric,
      threshold: t.expr.source,
      actual,
      passed: actual !== null && compare(actual, t.expr.op, t.expr.value),
      abortOnFail: t.abortOnFail,
    };
  });
}

const STOPPED_BY = 'of traffic by abort_on_fail';

/**
 * The run note (runs.error) of a run an abort_on_fail threshold stopped: when, by which threshold,
 * and what its figures cover. Its status stays thresholds_failed (exit 3).
 */
export function abortNote(t: ThresholdResult, atMs: number): string {
  const actual = t.actual === null ? 'no data' : `actual ${+t.actual.toPrecision(6)}`;
  return `stopped at ${formatDuration(Math.round(atMs / 1000) * 1000)} ${STOPPED_BY} ${t.metric} ${t.threshold} (${actual}): its figures cover the requests that finished by then, not the whole traffic`;
}

/**
 * Whether a run's note says an abort_on_fail threshold stopped it (it then covers part of the
 * traffic). Only for runs written before runs.stopped_at_ms, the structured signal (run-identity.ts).
 */
export const stoppedByAbort = (note: string | null | undefined): boolean => note?.includes(STOPPED_BY) ?? false;

/** Stores a run's threshold results (so reports of merged or exported runs can show them). */
export async function saveThresholdResults(store: Store, runNo: number, results: readonly ThresholdResult[]): Promise<void> {
  await store.run(`DELETE FROM threshold_results WHERE run_no = ${Math.trunc(runNo)}`);
  for (const r of results)
    await store.run('INSERT INTO threshold_results VALUES ($run, $metric, $threshold, $actual, $passed, $abort)', {
      run: runNo,
      metric: r.metric,
      threshold: r.threshold,
      actual: r.actual,
      passed: r.passed,
      abort: r.abortOnFail,
    });
}

/**
 * A run's stored threshold results. For a run an abort_on_fail threshold stopped (runs.stopped_at_ms),
 * the stopping threshold gets its stop time back, as the run itself reported it: the first failed
 * abort_on_fail threshold in declared order (the order the watch checks them in; with several
 * abort thresholds of different delays failing, the stored results cannot say which came first).
 */
export async function loadThresholdResults(store: Store, runNo: number): Promise<ThresholdResult[]> {
  const rows = await store.all<{ metric: string; threshold: string; actual: number | null; passed: boolean; abort_on_fail: boolean; stopped_at_ms: number | null }>(
    `SELECT metric, threshold, actual, passed, abort_on_fail, (SELECT stopped_at_ms FROM runs WHERE run_no = ${Math.trunc(runNo)}) AS stopped_at_ms
     FROM threshold_results WHERE run_no = ${Math.trunc(runNo)} ORDER BY rowid`,
  );
  const stop = rows.findIndex((r) => r.stopped_at_ms !== null && r.abort_on_fail && !r.passed);
  return rows.map((r, i) => ({ metric: r.metric, threshold: r.threshold, actual: r.actual, passed: r.passed, abortOnFail: r.abort_on_fail, ...(i === stop ? { abortedAtMs: r.stopped_at_ms! } : {}) }));
}
