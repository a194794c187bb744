/** Evaluates a run's thresholds (scenario-wide plus per strategy) in SQL. */
import { compare, parseThreshold, type ThresholdExpr } from '../scenario/threshold-expr.js';
import type { ThresholdsSpec } from '../scenario/schema.js';
import type { Store } from '../store/open-store.js';
import { metricValues } from '../store/queries.js';

export interface ThresholdResult {
  metric: string;
  threshold: string;
  /** null when there was no data (e.g. no successful request): counted as a failure. */
  actual: number | null;
  passed: boolean;
  abortOnFail: boolean;
}

/** Flattens a thresholds spec into parsed expressions (already validated at load). */
export function thresholdList(spec: ThresholdsSpec): { metric: string; expr: ThresholdExpr; abortOnFail: boolean }[] {
  const out: { metric: string; expr: ThresholdExpr; abortOnFail: boolean }[] = [];
  for (const [metric, entries] of Object.entries(spec)) {
    for (const entry of entries) {
      const source = typeof entry === 'string' ? entry : entry.threshold;
      const expr = parseThreshold(metric, source);
      if ('error' in expr) throw new Error(`threshold ${metric}: ${expr.error}`);
      out.push({ metric, expr, abortOnFail: typeof entry === 'string' ? false : entry.abort_on_fail });
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
