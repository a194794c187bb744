/**
 * Named read queries. Every aggregate routebench reports is computed here, in SQL; reports and
 * the CLI never aggregate rows in JavaScript.
 */
import type { Aggregate, ThresholdExpr } from '../scenario/threshold-expr.js';
import { sqlRunNos } from './select-runs.js';
import type { Store } from './open-store.js';

export interface SummaryRow {
  run_no: number;
  run_id: string;
  run_group: string;
  scenario: string;
  strategy: string;
  strategy_use: string;
  status: string;
  requests: number;
  successes: number;
  success_rate: number;
  p50_latency_ms: number | null;
  p95_latency_ms: number | null;
  p99_latency_ms: number | null;
  p50_ttft_ms: number | null;
  mean_attempts: number;
  failover_rate: number;
  total_cost_usd: number;
  wasted_cost_usd: number;
  cost_per_1k_usd: number | null;
  traffic_ms: number | null;
  skipped_rows: number | null;
  mode: string;
  /** p99 of (first send − scheduled time), scenario ms: the load generator's lag. */
  p99_lag_ms: number | null;
  time_scale: number | null;
  /** Why a run stopped early or failed (runs.error), e.g. a spend cap; null for a complete run. */
  note: string | null;
  /**
   * External gateways only, successful requests: what the gateway added of its own (client time −
   * time in upstream calls − the waits it chose between them), and those waits (backoff, retry-after).
   */
  p50_overhead_ms: number | null;
  p99_overhead_ms: number | null;
  p50_wait_ms: number | null;
  p99_wait_ms: number | null;
  /**
   * Replay against routebench mocks: the harness's own time per attempt (send → first byte beyond
   * the mock's schedule), scenario ms; and the smallest gap between two targets' p50 attempt
   * latency (the harness's own time taken out), what a latency-adaptive strategy tells targets apart by.
   */
  p50_harness_ms: number | null;
  p99_harness_ms: number | null;
  min_target_gap_ms: number | null;
}


/** The comparison summary: one row per run, in the order given. `relation`: the requests view or a materialised copy. */
export async function summary(store: Store, runNos: readonly number[], relation = 'requests'): Promise<SummaryRow[]> {
  return store.all<SummaryRow>(`
    -- Quantiles of one column under one filter are one list aggregate (one sort, not one per
    -- quantile: ~45% less time on a million requests); s unpacks them.
    WITH sq AS (
      SELECT run_no,
        count(*)::INTEGER AS requests,
        count(*) FILTER (WHERE success)::INTEGER AS successes,
        avg(success::INTEGER) AS success_rate,
        quantile_cont(latency_ms, [0.50, 0.95, 0.99]) FILTER (WHERE success) AS latency_q,
        quantile_cont(ttft_ms, 0.50) FILTER (WHERE success AND stream) AS p50_ttft_ms,
        avg(attempts) AS mean_attempts,
        avg(failover::INTEGER) AS failover_rate,
        coalesce(exact_sum(cost_usd), 0) AS total_cost_usd,
        coalesce(exact_sum(wasted_cost_usd), 0) AS wasted_cost_usd,
        quantile_cont(lag_ms, 0.99) AS p99_lag_ms,
        quantile_cont(gateway_overhead_ms, [0.50, 0.99]) FILTER (WHERE success) AS overhead_q,
        quantile_cont(gateway_wait_ms, [0.50, 0.99]) FILTER (WHERE success) AS wait_q
      FROM ${relation} WHERE run_no IN (${sqlRunNos(runNos)}) GROUP BY run_no),
    s AS (
      SELECT * EXCLUDE (latency_q, overhead_q, wait_q),
        latency_q[1] AS p50_latency_ms, latency_q[2] AS p95_latency_ms, latency_q[3] AS p99_latency_ms,
        overhead_q[1] AS p50_overhead_ms, overhead_q[2] AS p99_overhead_ms, wait_q[1] AS p50_wait_ms, wait_q[2] AS p99_wait_ms
      FROM sq),
    replayed AS (SELECT run_no FROM runs WHERE run_no IN (${sqlRunNos(runNos)}) AND mode = 'replay'),
    h AS (
      SELECT run_no, q[1] AS p50_harness_ms, q[2] AS p99_harness_ms FROM (
        SELECT run_no, quantile_cont(harness_ms, [0.50, 0.99]) AS q
        FROM attempts WHERE run_no IN (SELECT run_no FROM replayed) AND harness_ms IS NOT NULL GROUP BY run_no)),
    t AS (
      SELECT run_no, target_no, quantile_cont(end_ms - sent_ms - coalesce(harness_ms, 0), 0.50) AS p50
      FROM attempts WHERE run_no IN (SELECT run_no FROM replayed) AND outcome = 'ok' AND target_no IS NOT NULL GROUP BY run_no, target_no),
    g AS (SELECT x.run_no, min(abs(x.p50 - y.p50)) AS min_target_gap_ms FROM t x JOIN t y ON x.run_no = y.run_no AND x.target_no < y.target_no GROUP BY x.run_no)
    SELECT r.run_no, r.run_id, r.run_group, r.scenario, r.strategy, r.strategy_use, r.status,
      coalesce(s.requests, 0) AS requests, coalesce(s.successes, 0) AS successes, coalesce(s.success_rate, 0) AS success_rate,
      s.p50_latency_ms, s.p95_latency_ms, s.p99_latency_ms, s.p50_ttft_ms,
      coalesce(s.mean_attempts, 0) AS mean_attempts, coalesce(s.failover_rate, 0) AS failover_rate,
      coalesce(s.total_cost_usd, 0) AS total_cost_usd, coalesce(s.wasted_cost_usd, 0) AS wasted_cost_usd,
      s.total_cost_usd / nullif(s.successes, 0) * 1000 AS cost_per_1k_usd,
      r.traffic_ms, r.skipped_rows, r.mode, s.p99_lag_ms, r.time_scale, r.error AS note, s.p50_overhead_ms, s.p99_overhead_ms, s.p50_wait_ms, s.p99_wait_ms,
      h.p50_harness_ms, h.p99_harness_ms, g.min_target_gap_ms
    FROM runs r LEFT JOIN s USING (run_no) LEFT JOIN h USING (run_no) LEFT JOIN g USING (run_no)
    WHERE r.run_no IN (${sqlRunNos(runNos)})
    ORDER BY list_position([${sqlRunNos(runNos)}], r.run_no)`);
}

/** Error kinds per run, runs in the order given: which faults each strategy met (attempt level) and which it could not absorb (request level). */
export async function errorBreakdown(store: Store, runNos: readonly number[]): Promise<{ run_no: number; error_kind: string; attempts: number; failed_requests: number }[]> {
  return store.all(`
    SELECT run_no, error_kind::VARCHAR AS error_kind,
      count(*) FILTER (WHERE outcome IN ('error', 'timeout'))::INTEGER AS attempts,
      count(*) FILTER (WHERE outcome = 'gave_up')::INTEGER AS failed_requests
    FROM attempts WHERE run_no IN (${sqlRunNos(runNos)}) AND error_kind IS NOT NULL
    GROUP BY run_no, error_kind ORDER BY list_position([${sqlRunNos(runNos)}], run_no), attempts DESC, error_kind`);
}

/** The most frequent decision reasons per run, runs in the order given. */
export async function topReasons(store: Store, runNos: readonly number[], limit = 5): Promise<{ run_no: number; reason: string; n: number }[]> {
  return store.all(`
    SELECT run_no, reason, n FROM (
      SELECT a.run_no, rs.reason, count(*)::INTEGER AS n,
        row_number() OVER (PARTITION BY a.run_no ORDER BY count(*) DESC, rs.reason) AS rank
      FROM attempts a JOIN reasons rs ON rs.run_no = a.run_no AND rs.reason_no = a.reason_no
      WHERE a.run_no IN (${sqlRunNos(runNos)}) GROUP BY a.run_no, rs.reason)
    WHERE rank <= ${Math.trunc(limit)} ORDER BY list_position([${sqlRunNos(runNos)}], run_no), n DESC, reason`);
}

const TREND_COLUMN: Record<string, string> = {
  latency_ms: 'latency_ms',
  // every request, a failure at the time it failed
  latency_all_ms: 'coalesce(latency_ms, duration_ms)',
  ttft_ms: 'ttft_ms',
  attempts: 'attempts',
  cost_usd: 'cost_usd',
  gateway_overhead_ms: 'gateway_overhead_ms',
  gateway_wait_ms: 'gateway_wait_ms',
};
const TREND_FILTER: Record<string, string> = {
  latency_ms: 'success',
  latency_all_ms: 'true',
  ttft_ms: 'success AND stream',
  attempts: 'true',
  cost_usd: 'true',
  gateway_overhead_ms: 'success AND gateway_overhead_ms IS NOT NULL',
  gateway_wait_ms: 'success AND gateway_wait_ms IS NOT NULL',
};
const RATE_EXPR: Record<string, string> = {
  success: 'success',
  error: 'NOT success',
  failover: 'failover',
};
const VALUE_EXPR: Record<string, string> = {
  success_rate: 'avg(success::INTEGER)',
  error_rate: 'avg((NOT success)::INTEGER)',
  failover_rate: 'avg(failover::INTEGER)',
  p50_latency_ms: 'quantile_cont(latency_ms, 0.50) FILTER (WHERE success)',
  p90_latency_ms: 'quantile_cont(latency_ms, 0.90) FILTER (WHERE success)',
  p95_latency_ms: 'quantile_cont(latency_ms, 0.95) FILTER (WHERE success)',
  p99_latency_ms: 'quantile_cont(latency_ms, 0.99) FILTER (WHERE success)',
  max_latency_ms: 'max(latency_ms) FILTER (WHERE success)',
  p50_latency_all_ms: 'quantile_cont(coalesce(latency_ms, duration_ms), 0.50)',
  p95_latency_all_ms: 'quantile_cont(coalesce(latency_ms, duration_ms), 0.95)',
  p99_latency_all_ms: 'quantile_cont(coalesce(latency_ms, duration_ms), 0.99)',
  p50_ttft_ms: 'quantile_cont(ttft_ms, 0.50) FILTER (WHERE success AND stream)',
  p95_ttft_ms: 'quantile_cont(ttft_ms, 0.95) FILTER (WHERE success AND stream)',
  p99_ttft_ms: 'quantile_cont(ttft_ms, 0.99) FILTER (WHERE success AND stream)',
  mean_attempts: 'avg(attempts)',
  total_cost_usd: 'coalesce(exact_sum(cost_usd), 0)',
  cost_per_1k_usd: 'exact_sum(cost_usd) / nullif(count(*) FILTER (WHERE success), 0) * 1000',
  requests: 'count(*)',
  p50_gateway_overhead_ms: 'quantile_cont(gateway_overhead_ms, 0.50) FILTER (WHERE success)',
  p99_gateway_overhead_ms: 'quantile_cont(gateway_overhead_ms, 0.99) FILTER (WHERE success)',
  p50_gateway_wait_ms: 'quantile_cont(gateway_wait_ms, 0.50) FILTER (WHERE success)',
  p99_gateway_wait_ms: 'quantile_cont(gateway_wait_ms, 0.99) FILTER (WHERE success)',
};

/** The SQL aggregate for one threshold over the `requests` view. */
export function metricSql(metric: string, agg: Aggregate): string {
  if (metric in VALUE_EXPR) return VALUE_EXPR[metric]!;
  if (metric in RATE_EXPR) return agg.fn === 'count' ? `count(*) FILTER (WHERE ${RATE_EXPR[metric]})` : `avg((${RATE_EXPR[metric]})::INTEGER)`;
  const col = TREND_COLUMN[metric];
  if (!col) throw new Error(`no SQL for metric ${metric}`);
  const filter = `FILTER (WHERE ${TREND_FILTER[metric]})`;
  switch (agg.fn) {
    case 'p':
      return `quantile_cont(${col}, ${agg.q / 100}) ${filter}`;
    case 'med':
      return `quantile_cont(${col}, 0.5) ${filter}`;
    case 'avg':
      return `exact_avg(CASE WHEN ${TREND_FILTER[metric]} THEN ${col} END)`;
    case 'min':
    case 'max':
    case 'count':
      return `${agg.fn}(${col}) ${filter}`;
    default:
      throw new Error(`aggregate ${agg.fn} does not apply to ${metric}`);
  }
}

/** Evaluates several metric expressions for one run in a single query; NULL (no data) → null. */
export async function metricValues(store: Store, runNo: number, items: readonly { metric: string; expr: ThresholdExpr }[]): Promise<(number | null)[]> {
  if (items.length === 0) return [];
  const select = items.map((it, i) => `(${metricSql(it.metric, it.expr.aggregate)})::DOUBLE AS m${i}`).join(', ');
  const [row] = await store.all<Record<string, number | null>>(`SELECT ${select} FROM requests WHERE run_no = ${Math.trunc(runNo)}`);
  return items.map((_, i) => row?.[`m${i}`] ?? null);
}

/** Provider spend and attempts through each gateway, per run (targets with `via`). */
export async function gatewayUsage(store: Store, runNos: readonly number[]): Promise<{ run_no: number; gateway: string; spend_usd: number; attempts: number }[]> {
  return store.all(`
    SELECT a.run_no, t.via AS gateway, coalesce(exact_sum(a.cost_usd), 0) AS spend_usd, count(*)::INTEGER AS attempts
    FROM attempts a JOIN targets t ON t.run_no = a.run_no AND t.target_no = a.target_no
    WHERE a.run_no IN (${sqlRunNos(runNos)}) AND t.via IS NOT NULL AND a.outcome <> 'gave_up'
    GROUP BY ALL ORDER BY a.run_no, gateway`);
}

/** The gateways (with billing) each run was made with. */
export async function runGateways(store: Store, runNos: readonly number[]): Promise<{ run_no: number; gateways: string | null }[]> {
  return store.all(`SELECT run_no, gateways::VARCHAR AS gateways FROM runs WHERE run_no IN (${sqlRunNos(runNos)})`);
}
