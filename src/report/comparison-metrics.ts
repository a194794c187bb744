/**
 * The metrics `routebench compare` reports, in display order: what each means, its unit, which
 * direction is better, how its confidence interval is computed, and the short names people type
 * in `--max-regression`.
 *
 * Failover rate counts as lower-is-better: a failover is a request that needed a second target,
 * paying the first one's error latency (and sometimes its tokens). A strategy that buys success
 * with failover shows a win on success rate and a loss on failover rate; both are true.
 */
import type { Direction } from './stats/verdict.js';

export type ComparisonMetric =
  | 'success_rate'
  | 'p50_latency_ms'
  | 'p95_latency_ms'
  | 'p99_latency_ms'
  | 'p50_ttft_ms'
  | 'p50_latency_all_ms'
  | 'p95_latency_all_ms'
  | 'p99_latency_all_ms'
  | 'mean_attempts'
  | 'failover_rate'
  | 'cost_per_1k_usd'
  | 'total_cost_usd';

/** rate: a proportion 0..1 · ms · attempts per request · usd. */
export type MetricUnit = 'rate' | 'ms' | 'attempts' | 'usd';

/**
 * newcombe: hybrid score (wilson.ts) · bootstrap: Beta-trick quantile bootstrap · welch / normal-sum /
 * delta-method: mean-ci.ts. `normal-sum` (total cost) is a Student t interval on the
 * Welch–Satterthwaite degrees of freedom, as `welch` is; the name stays for JSON readers.
 */
export type CiMethod = 'newcombe' | 'bootstrap' | 'welch' | 'normal-sum' | 'delta-method';

export interface MetricInfo {
  label: string;
  unit: MetricUnit;
  direction: Direction;
  method: CiMethod;
  /** Other names accepted in --max-regression. */
  aliases: readonly string[];
  /** false: shown for context, left out of the overall verdict (total cost; see compare-runs.ts). */
  judged?: false;
}

export const COMPARISON_METRICS: Readonly<Record<ComparisonMetric, MetricInfo>> = {
  success_rate: { label: 'success rate', unit: 'rate', direction: 'higher', method: 'newcombe', aliases: ['success'] },
  p50_latency_ms: { label: 'p50 latency', unit: 'ms', direction: 'lower', method: 'bootstrap', aliases: ['p50', 'latency_p50'] },
  p95_latency_ms: { label: 'p95 latency', unit: 'ms', direction: 'lower', method: 'bootstrap', aliases: ['p95', 'latency_p95'] },
  p99_latency_ms: { label: 'p99 latency', unit: 'ms', direction: 'lower', method: 'bootstrap', aliases: ['p99', 'latency_p99'] },
  p50_ttft_ms: { label: 'p50 TTFT', unit: 'ms', direction: 'lower', method: 'bootstrap', aliases: ['ttft', 'ttft_p50'] },
  p50_latency_all_ms: { label: 'p50 latency (all)', unit: 'ms', direction: 'lower', method: 'bootstrap', aliases: ['p50_all'] },
  p95_latency_all_ms: { label: 'p95 latency (all)', unit: 'ms', direction: 'lower', method: 'bootstrap', aliases: ['p95_all'] },
  p99_latency_all_ms: { label: 'p99 latency (all)', unit: 'ms', direction: 'lower', method: 'bootstrap', aliases: ['p99_all'] },
  mean_attempts: { label: 'mean attempts', unit: 'attempts', direction: 'lower', method: 'welch', aliases: ['attempts'] },
  failover_rate: { label: 'failover rate', unit: 'rate', direction: 'lower', method: 'newcombe', aliases: ['failover'] },
  cost_per_1k_usd: { label: 'cost per 1k ok', unit: 'usd', direction: 'lower', method: 'delta-method', aliases: ['cost', 'cost_per_1k'] },
  total_cost_usd: { label: 'total cost', unit: 'usd', direction: 'lower', method: 'normal-sum', aliases: ['total_cost'], judged: false },
};

export const METRIC_ORDER = Object.keys(COMPARISON_METRICS) as ComparisonMetric[];

/**
 * Every request's latency, failures included at their time of failure: a success's latency, else
 * the end of the request's last attempt (from the scheduled time, like latency_ms).
 */
export const LATENCY_ALL_SQL = 'coalesce(latency_ms, duration_ms)';

/**
 * Quantile metrics: column, filter (as in store/queries.ts: latency of successes, TTFT of streamed
 * successes; the `_all` latencies over every request) and p.
 */
export const QUANTILE_METRICS: readonly { metric: ComparisonMetric; column: string; filter: string; p: number }[] = [
  { metric: 'p50_latency_ms', column: 'latency_ms', filter: 'success', p: 0.5 },
  { metric: 'p95_latency_ms', column: 'latency_ms', filter: 'success', p: 0.95 },
  { metric: 'p99_latency_ms', column: 'latency_ms', filter: 'success', p: 0.99 },
  { metric: 'p50_ttft_ms', column: 'ttft_ms', filter: 'success AND stream', p: 0.5 },
  { metric: 'p50_latency_all_ms', column: LATENCY_ALL_SQL, filter: 'true', p: 0.5 },
  { metric: 'p95_latency_all_ms', column: LATENCY_ALL_SQL, filter: 'true', p: 0.95 },
  { metric: 'p99_latency_all_ms', column: LATENCY_ALL_SQL, filter: 'true', p: 0.99 },
];

/** A metric by its name or alias (case-insensitive), or undefined. */
export function resolveMetric(name: string): ComparisonMetric | undefined {
  const key = name.trim().toLowerCase();
  if (key in COMPARISON_METRICS) return key as ComparisonMetric;
  return METRIC_ORDER.find((m) => COMPARISON_METRICS[m].aliases.includes(key));
}

/** Every accepted name (metrics and aliases), for "did you mean" and help text. */
export function metricNames(): string[] {
  return METRIC_ORDER.flatMap((m) => [m, ...COMPARISON_METRICS[m].aliases]);
}
