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
  /** The run's note: why it failed or stopped early (null for most runs). */
  error: string | null;
  /** Where an abort_on_fail threshold stopped the run (ms of traffic); null when it was not stopped, or the file predates the column. */
  stopped_at_ms: number | null;
}

const RUN_COLUMNS = 'run_no, run_id, run_group, scenario, scenario_hash, strategy, strategy_use, seed, status, error, stopped_at_ms';

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
 * Per-run counts, means, variances and a covariance: the inputs of every non-quantile interval.
 *
 * Every sum is exact and so independent of the order a parallel aggregation meets the rows in:
 * attempts are integers, and costs are summed as whole picodollars (the `requests` view already
 * rounds each request's cost to 1e-12 USD) in HUGEINT. Only costs need HUGEINT before the sum (their
 * squares pass 2^63); attempts, their squares and the 0/1 flags are BIGINT or INTEGER, whose sum
 * DuckDB already accumulates in HUGEINT, so the sums are the same integers for less work. Variances come from those exact sums,
 * n·Σx² − (Σx)² in BigInt, so the same rows give bit-identical intervals on every invocation, and
 * a metric without variance (every request costs the same) gets exactly 0, not rounding noise.
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

const PICO = 1e12;

interface ExactSums {
  n: bigint;
  s: bigint;
  a: bigint;
  aa: bigint;
  c: bigint;
  cc: bigint;
  cs: bigint;
  f: bigint;
}

/** Sample covariance (n − 1) from exact sums Σx, Σy, Σxy; null when n < 2. */
function covariance(n: bigint, sx: bigint, sy: bigint, sxy: bigint, scale: number): number | null {
  if (n < 2n) return null;
  return Number(n * sxy - sx * sy) / Number(n * (n - 1n)) / scale;
}

/**
 * `relation`: the requests view, or a materialised copy of it (the report's temp table `rq`).
 * `where`: an extra trusted SQL condition (the common traffic window of a partial run).
 */
export async function runAggregates(store: Store, runNo: number, relation = 'requests', where = 'true'): Promise<RunAggregates> {
  const [row] = await store.all<Record<keyof ExactSums, string>>(`
    WITH r AS (
      SELECT attempts::BIGINT AS a, round(coalesce(cost_usd, 0) * ${PICO})::HUGEINT AS c, success::INTEGER AS s, failover::INTEGER AS f, success
      FROM ${relation} WHERE run_no = ${Math.trunc(runNo)} AND (${where}))
    SELECT count(*)::VARCHAR AS n, coalesce(sum(s), 0)::VARCHAR AS s, coalesce(sum(f), 0)::VARCHAR AS f,
      coalesce(sum(a), 0)::VARCHAR AS a, coalesce(sum(a * a), 0)::VARCHAR AS aa,
      coalesce(sum(c), 0)::VARCHAR AS c, coalesce(sum(c * c), 0)::VARCHAR AS cc, coalesce(sum(c) FILTER (WHERE success), 0)::VARCHAR AS cs
    FROM r`);
  const x = Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, BigInt(v)])) as unknown as ExactSums;
  const n = Number(x.n);
  const mean = (sum: bigint, scale = 1) => (n > 0 ? Number(sum) / n / scale : null);
  return {
    requests: n,
    successes: Number(x.s),
    failovers: Number(x.f),
    mean_attempts: mean(x.a),
    var_attempts: covariance(x.n, x.a, x.a, x.aa, 1),
    mean_cost: mean(x.c, PICO),
    var_cost: covariance(x.n, x.c, x.c, x.cc, PICO * PICO),
    total_cost: Number(x.c) / PICO,
    mean_success: mean(x.s),
    var_success: covariance(x.n, x.s, x.s, x.s, 1),
    cov_cost_success: covariance(x.n, x.c, x.s, x.cs, PICO),
  };
}
