/**
 * Read queries behind `routebench compare`: run records (for identity checks and "did you mean")
 * and the per-run aggregates the confidence intervals are computed from. Everything is aggregated
 * in SQL over the `requests` view; quantile bootstraps live in report/stats/bootstrap-quantile.ts.
 */
import type { Store } from './open-store.js';

export interface RunRecord {
  run_no: number;
  run_id: string;
  run_group: string;
  scenario: string;
  scenario_hash: string;
  strategy: string;
  strategy_use: string;
  seed: number;
  status: string;
}

const RUN_COLUMNS = 'run_no, run_id, run_group, scenario, scenario_hash, strategy, strategy_use, seed, status';

/** The run with this run_no, if any. */
export async function runByNo(store: Store, runNo: number): Promise<RunRecord | undefined> {
  const rows = await store.all<RunRecord>(`SELECT ${RUN_COLUMNS} FROM runs WHERE run_no = $n`, { n: Math.trunc(runNo) });
  return rows[0];
}

/** The run with this run_id, if any. */
export async function runById(store: Store, runId: string): Promise<RunRecord | undefined> {
  const rows = await store.all<RunRecord>(`SELECT ${RUN_COLUMNS} FROM runs WHERE run_id = $id`, { id: runId });
  return rows[0];
}

/** The most recently started runs, newest first. */
export async function recentRunIds(store: Store, limit = 5): Promise<string[]> {
  const rows = await store.all<{ run_id: string }>(`SELECT run_id FROM runs ORDER BY started_at DESC NULLS LAST, run_no DESC LIMIT ${Math.trunc(limit)}`);
  return rows.map((r) => r.run_id);
}

/** Every run id in the store (for nearest-name suggestions). */
export async function allRunIds(store: Store): Promise<string[]> {
  return (await store.all<{ run_id: string }>('SELECT run_id FROM runs ORDER BY run_no')).map((r) => r.run_id);
}

/**
 * Per-run sums, means, variances and a covariance: the inputs of every non-quantile interval.
 * Costs are summed as DECIMAL so totals do not depend on the order of a parallel aggregation.
 */
export interface RunAggregates {
  requests: number;
  successes: number;
  failovers: number;
  mean_attempts: number | null;
  var_attempts: number | null;
  mean_cost: number | null;
  var_cost: number | null;
  total_cost: number;
  mean_success: number | null;
  var_success: number | null;
  cov_cost_success: number | null;
}

/** `relation`: the requests view, or a materialised copy of it (the report's temp table `rq`). */
export async function runAggregates(store: Store, runNo: number, relation = 'requests'): Promise<RunAggregates> {
  const [row] = await store.all<RunAggregates>(`
    SELECT count(*)::BIGINT AS requests,
      count(*) FILTER (WHERE success)::BIGINT AS successes,
      count(*) FILTER (WHERE failover)::BIGINT AS failovers,
      avg(attempts)::DOUBLE AS mean_attempts,
      var_samp(attempts)::DOUBLE AS var_attempts,
      (sum(cost_usd::DECIMAL(38, 12)) / count(*))::DOUBLE AS mean_cost,
      var_samp(cost_usd)::DOUBLE AS var_cost,
      coalesce(sum(cost_usd::DECIMAL(38, 12)), 0)::DOUBLE AS total_cost,
      avg(success::INTEGER)::DOUBLE AS mean_success,
      var_samp(success::INTEGER)::DOUBLE AS var_success,
      covar_samp(cost_usd, success::INTEGER)::DOUBLE AS cov_cost_success
    FROM ${relation} WHERE run_no = ${Math.trunc(runNo)}`);
  return row!;
}
