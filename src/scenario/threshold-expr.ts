/**
 * Threshold expressions, k6 style. Grammar (whitespace is free):
 *
 *   threshold  := [ aggregate ] op number
 *   aggregate  := "p(" number ")" | "avg" | "min" | "max" | "med" | "rate" | "count"
 *   op         := "<" | "<=" | ">" | ">=" | "==" | "!="
 *
 * A metric is a per-request trend (latency_ms, ttft_ms, attempts, cost_usd, lag_ms: use p(N), avg,
 * min, max, med, count), a per-request rate (success, failover, error: use rate), or a summary
 * value (success_rate, p99_latency_ms, cost_per_1k_usd, ...: no aggregate, e.g. '< 4000').
 *
 * latency_ms and its percentiles count successful requests; latency_all_ms and p50/p95/p99
 * _latency_all_ms count every request, a failure at the time it failed (its last attempt's end).
 */

export const THRESHOLD_GRAMMAR =
  "[aggregate] op number, where aggregate is p(N), avg, min, max, med, rate or count and op is <, <=, >, >=, == or !=; e.g. 'p(99) < 4000', 'rate > 0.999', '< 0.02'";

export type MetricKind = 'trend' | 'rate' | 'value';

/** Every metric a threshold may name, with its kind. SQL for each lives in store/queries. */
export const METRICS: Record<string, MetricKind> = {
  latency_ms: 'trend',
  ttft_ms: 'trend',
  attempts: 'trend',
  cost_usd: 'trend',
  gateway_overhead_ms: 'trend',
  gateway_wait_ms: 'trend',
  success: 'rate',
  error: 'rate',
  failover: 'rate',
  success_rate: 'value',
  error_rate: 'value',
  failover_rate: 'value',
  p50_latency_ms: 'value',
  p90_latency_ms: 'value',
  p95_latency_ms: 'value',
  p99_latency_ms: 'value',
  max_latency_ms: 'value',
  latency_all_ms: 'trend',
  p50_latency_all_ms: 'value',
  p95_latency_all_ms: 'value',
  p99_latency_all_ms: 'value',
  p50_ttft_ms: 'value',
  p95_ttft_ms: 'value',
  p99_ttft_ms: 'value',
  mean_attempts: 'value',
  total_cost_usd: 'value',
  cost_per_1k_usd: 'value',
  requests: 'value',
  p50_gateway_overhead_ms: 'value',
  p99_gateway_overhead_ms: 'value',
  p50_gateway_wait_ms: 'value',
  p99_gateway_wait_ms: 'value',
};

export type Op = '<' | '<=' | '>' | '>=' | '==' | '!=';
export type Aggregate = { fn: 'p'; q: number } | { fn: 'avg' | 'min' | 'max' | 'med' | 'rate' | 'count' | 'value' };

export interface ThresholdExpr {
  source: string;
  aggregate: Aggregate;
  op: Op;
  value: number;
}

const EXPR = /^\s*(?:(p)\(\s*(\d+(?:\.\d+)?)\s*\)|(avg|min|max|med|rate|count))?\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*$/i;

/** Parses one expression for a metric, or returns an error message that shows the grammar. */
export function parseThreshold(metric: string, source: string): ThresholdExpr | { error: string } {
  const kind = METRICS[metric];
  if (kind === undefined) return { error: `unknown metric "${metric}"` };
  const m = EXPR.exec(source);
  if (!m) return { error: `cannot parse threshold "${source}"; expected ${THRESHOLD_GRAMMAR}` };
  const [, p, q, named, op, num] = m;
  const aggregate: Aggregate = p
    ? { fn: 'p', q: Number(q) }
    : named
      ? { fn: named.toLowerCase() as 'avg' }
      : { fn: 'value' };
  if (aggregate.fn === 'p' && !(aggregate.q >= 0 && aggregate.q <= 100))
    return { error: `percentile in "${source}" must be between 0 and 100` };
  const allowed =
    kind === 'trend' ? ['p', 'avg', 'min', 'max', 'med', 'count'] : kind === 'rate' ? ['rate', 'count'] : ['value'];
  if (!allowed.includes(aggregate.fn)) {
    const what = aggregate.fn === 'value' ? 'a bare comparison' : aggregate.fn === 'p' ? 'p(N)' : `"${aggregate.fn}"`;
    return {
      error: `${metric} is a ${kind} metric: ${what} does not apply; use ${allowed.map((a) => (a === 'p' ? 'p(N)' : a === 'value' ? 'a bare comparison like "< 4000"' : a)).join(', ')}`,
    };
  }
  return { source: source.trim(), aggregate, op: op as Op, value: Number(num) };
}

/** Applies the comparison. */
export function compare(actual: number, op: Op, expected: number): boolean {
  switch (op) {
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case '==':
      return actual === expected;
    case '!=':
      return actual !== expected;
  }
}

type ThresholdEntryLike = string | { readonly threshold: string };
const entrySource = (e: ThresholdEntryLike) => (typeof e === 'string' ? e : e.threshold).replace(/\s+/g, ' ').trim();

/**
 * A strategy's thresholds combined with the scenario-wide ones: on a metric both name, every entry
 * of both must hold (a strategy's own threshold adds to the scenario's, it does not replace it).
 * Scenario-wide entries come first; an entry the strategy repeats verbatim is kept once.
 */
export function combineThresholds<E extends ThresholdEntryLike>(scenarioWide: Readonly<Record<string, readonly E[]>>, own: Readonly<Record<string, readonly E[]>> | undefined): Record<string, E[]> {
  const out: Record<string, E[]> = {};
  for (const [metric, entries] of Object.entries(scenarioWide)) out[metric] = [...entries];
  for (const [metric, entries] of Object.entries(own ?? {})) {
    const list = (out[metric] ??= []);
    for (const e of entries) if (!list.some((x) => entrySource(x) === entrySource(e))) list.push(e);
  }
  return out;
}

/**
 * One line per metric on which a strategy adds its own thresholds to scenario-wide ones, saying
 * that both hold, e.g. `hedge: p99_latency_ms < 10000 (its own) and < 12000 (scenario-wide): both must hold`.
 */
export function combinedThresholdLines(
  scenarioWide: Readonly<Record<string, readonly ThresholdEntryLike[]>>,
  strategies: Readonly<Record<string, { readonly thresholds?: Readonly<Record<string, readonly ThresholdEntryLike[]>> }>>,
): string[] {
  const lines: string[] = [];
  for (const [label, s] of Object.entries(strategies)) {
    for (const [metric, own] of Object.entries(s.thresholds ?? {})) {
      const wide = scenarioWide[metric];
      if (!wide || wide.length === 0) continue;
      const ownText = own.map(entrySource).join(', ');
      const wideText = wide.map(entrySource).join(', ');
      lines.push(`${label}: ${metric} ${ownText} (its own) and ${wideText} (scenario-wide): both must hold`);
    }
  }
  return lines;
}
