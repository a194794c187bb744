/**
 * The named queries behind the HTML report's charts. A report first materialises the
 * `requests` view for its runs into a temporary table `rq` (report-rq.ts: one GROUP BY over the
 * attempts instead of one per chart); every chart's data is then a small aggregate computed here,
 * in SQL.
 */
import type { Store } from './open-store.js';
import { sqlRunNos } from './select-runs.js';
import type { SummaryRow } from './queries.js';


export interface FrontRow {
  run_no: number;
  p95_latency_ms: number | null;
  cost_per_1k_usd: number | null;
  success_rate: number;
  pareto: boolean;
}

/** The summary's per-run figures that the cost front and the "best in column" marks read. */
export type RunFigures = Pick<
  SummaryRow,
  'run_no' | 'requests' | 'successes' | 'success_rate' | 'p50_latency_ms' | 'p95_latency_ms' | 'p99_latency_ms' | 'p50_ttft_ms' | 'mean_attempts' | 'total_cost_usd' | 'cost_per_1k_usd'
>;

const dbl = (x: number | null) => (x === null || !Number.isFinite(x) ? 'NULL::DOUBLE' : `'${x}'::DOUBLE`);

/**
 * The summary's figures of the runs with requests, as a table: the quantiles, rates and costs the
 * summary already computed over `rq`, not sorted and summed again per chart (a JS number printed
 * as text and read back as DOUBLE is the same double). Null when no run has requests.
 */
function figuresTable(rows: readonly RunFigures[]): string | null {
  const some = rows.filter((r) => r.requests > 0);
  if (some.length === 0) return null;
  const values = some.map(
    (r) =>
      `(${Math.trunc(r.run_no)}, ${Math.trunc(r.successes)}, ${dbl(r.success_rate)}, ${dbl(r.p50_latency_ms)}, ${dbl(r.p95_latency_ms)}, ${dbl(r.p99_latency_ms)}, ${dbl(r.p50_ttft_ms)}, ${dbl(r.mean_attempts)}, ${dbl(r.total_cost_usd)}, ${dbl(r.cost_per_1k_usd)})`,
  );
  return `(SELECT * FROM (VALUES ${values.join(', ')}) f(run_no, successes, sr, p50, p95, p99, ttft, att, total_cost, cost_per_1k))`;
}

/**
 * Cost per 1k successful requests vs p95 latency; `pareto` marks runs that no other run matches or
 * beats on cost, p95 and success rate at once (success counts: a strategy that fails fast is
 * cheap and quick per success, and must not look best for it). `rows`: the report's summary rows.
 */
export async function costLatencyFront(store: Store, rows: readonly RunFigures[]): Promise<FrontRow[]> {
  const figures = figuresTable(rows);
  if (!figures) return [];
  return store.all(`
    WITH s AS (SELECT run_no, p95 AS p95_latency_ms, cost_per_1k AS cost_per_1k_usd, sr AS success_rate FROM ${figures})
    SELECT s.*, NOT EXISTS (
      SELECT 1 FROM s o WHERE o.run_no <> s.run_no AND o.cost_per_1k_usd <= s.cost_per_1k_usd AND o.p95_latency_ms <= s.p95_latency_ms
        AND o.success_rate >= s.success_rate
        AND (o.cost_per_1k_usd < s.cost_per_1k_usd OR o.p95_latency_ms < s.p95_latency_ms OR o.success_rate > s.success_rate)) AS pareto
    FROM s ORDER BY run_no`);
}

/**
 * Success rate and p95 latency per time bucket (by scheduled time), one row per bucket from each
 * run's first to its last, empty buckets included: `requests` 0 (the truth), success rate and p95
 * null (there is none). The chart draws each bucket as a step of the bucket's width and leaves a
 * gap where a value is null (report/charts/step-points.ts), instead of joining the buckets on
 * either side of a quiet stretch.
 */
export async function overTime(store: Store, bucketMs: number): Promise<{ run_no: number; t_ms: number; requests: number; success_rate: number | null; p95_latency_ms: number | null }[]> {
  return store.all(`
    WITH b AS (
      SELECT run_no, floor(scheduled_ms / ${bucketMs})::BIGINT AS k, count(*)::INTEGER AS requests,
        avg(success::INTEGER) AS success_rate, quantile_cont(latency_ms, 0.95) FILTER (WHERE success) AS p95_latency_ms
      FROM rq GROUP BY ALL),
    grid AS (SELECT run_no, unnest(generate_series(min(k), max(k))) AS k FROM b GROUP BY run_no)
    SELECT grid.run_no, (grid.k * ${bucketMs})::DOUBLE AS t_ms, coalesce(b.requests, 0)::INTEGER AS requests, b.success_rate, b.p95_latency_ms
    FROM grid LEFT JOIN b USING (run_no, k)
    ORDER BY grid.run_no, grid.k`);
}

/**
 * Share of attempts per target per time bucket: where traffic (and failover) went. Every target of
 * the run has a row in every bucket from the run's first to its last: its share, 0 where it got no
 * attempt while others did (the truth; without the row the stacked step area carried the target's
 * last share across the buckets it missed), and null where the bucket had no attempt at all
 * (nothing to share: a gap, see report/charts/step-points.ts). Sorted by run, target, time.
 */
export async function targetShare(store: Store, runNos: readonly number[], bucketMs: number): Promise<{ run_no: number; t_ms: number; target: string; share: number | null }[]> {
  return store.all(`
    WITH c AS (
      SELECT a.run_no, floor(a.sent_ms / ${bucketMs})::BIGINT AS k, t.target_id AS target, count(*) AS n
      FROM attempts a JOIN targets t ON t.run_no = a.run_no AND t.target_no = a.target_no
      WHERE a.run_no IN (${sqlRunNos(runNos)}) AND a.outcome <> 'gave_up'
      GROUP BY ALL),
    s AS (SELECT run_no, k, target, n / sum(n) OVER (PARTITION BY run_no, k) AS share FROM c),
    busy AS (SELECT DISTINCT run_no, k FROM c),
    grid AS (
      SELECT r.run_no, unnest(generate_series(r.first, r.last)) AS k, t.target
      FROM (SELECT run_no, min(k) AS first, max(k) AS last FROM c GROUP BY run_no) r JOIN (SELECT DISTINCT run_no, target FROM c) t USING (run_no))
    SELECT grid.run_no, (grid.k * ${bucketMs})::DOUBLE AS t_ms, grid.target,
      CASE WHEN busy.k IS NULL THEN NULL ELSE coalesce(s.share, 0)::DOUBLE END AS share
    FROM grid LEFT JOIN s USING (run_no, k, target) LEFT JOIN busy USING (run_no, k)
    ORDER BY grid.run_no, grid.target, grid.k`);
}

/** Requests by number of attempts (4 = four or more). */
export async function attemptsHistogram(store: Store): Promise<{ run_no: number; attempts: string; requests: number; share: number }[]> {
  return store.all(`
    SELECT run_no, CASE WHEN a >= 4 THEN '4+' ELSE a::VARCHAR END AS attempts, n::INTEGER AS requests, n / sum(n) OVER (PARTITION BY run_no) AS share FROM (
      SELECT run_no, least(attempts, 4) AS a, count(*) AS n FROM rq GROUP BY ALL)
    ORDER BY run_no, a`);
}

/** Failed attempts by error kind, split into faults the strategy absorbed and those the caller saw. */
export async function errorKinds(store: Store, runNos: readonly number[]): Promise<{ run_no: number; error_kind: string; fate: string; attempts: number }[]> {
  return store.all(`
    SELECT a.run_no, a.error_kind::VARCHAR AS error_kind, CASE WHEN r.success THEN 'absorbed' ELSE 'reached the caller' END AS fate,
      count(*)::INTEGER AS attempts
    FROM attempts a JOIN rq r USING (run_no, request_no)
    WHERE a.run_no IN (${sqlRunNos(runNos)}) AND a.outcome IN ('error', 'timeout')
    GROUP BY ALL ORDER BY a.run_no, attempts DESC, error_kind, fate`);
}

/** The tag key to break spend down by: the one with the most values, at most 12 (null: no tags). */
export async function spendTagKey(store: Store, runNos: readonly number[]): Promise<string | null> {
  const rows = await store.all<{ k: string; n: number }>(`
    SELECT k, count(DISTINCT tags->>k)::INTEGER AS n FROM (
      SELECT tags, unnest(json_keys(tags)) AS k FROM tagsets WHERE run_no IN (${sqlRunNos(runNos)}))
    GROUP BY k HAVING n <= 12 ORDER BY n DESC, k LIMIT 1`);
  return rows[0]?.k ?? null;
}

/**
 * Spend per value of a tag per time bucket. The requests are summed per tag set and bucket first
 * and the tag read once per tag set, not once per request after the join (~3× faster on the
 * default suite's largest report); the sums stay exact decimals until the last step.
 *
 * Every bucket from the first to the run's last gets a row for every tag value of the run, $0
 * where it spent nothing, and one more $0 row closes the last bucket: the chart draws a step
 * area from each row to the next, which would otherwise carry a tag's spend across the buckets
 * where it had none (a project that only runs at night) and draw the last bucket with no width.
 */
export async function spendPerTag(store: Store, key: string, bucketMs: number): Promise<{ run_no: number; t_ms: number; tag: string; cost_usd: number }[]> {
  return store.all(
    `WITH g AS (
       SELECT run_no, tagset_no, floor(scheduled_ms / ${bucketMs})::BIGINT AS k, sum(cost_usd::DECIMAL(38, 12)) AS c
       FROM rq GROUP BY ALL),
     tv AS (SELECT run_no, tagset_no, coalesce(tags->>$key, '(none)') AS tag FROM tagsets WHERE run_no IN (SELECT DISTINCT run_no FROM g)),
     s AS (SELECT g.run_no, g.k, tv.tag, sum(g.c) AS c FROM g JOIN tv ON tv.run_no = g.run_no AND tv.tagset_no = g.tagset_no GROUP BY ALL),
     grid AS (
       SELECT r.run_no, unnest(generate_series(0, r.last + 1)) AS k, t.tag
       FROM (SELECT run_no, max(k) AS last FROM s GROUP BY run_no) r JOIN (SELECT DISTINCT run_no, tag FROM s) t USING (run_no))
     SELECT grid.run_no, grid.k * ${bucketMs} AS t_ms, grid.tag, coalesce(s.c, 0)::DOUBLE AS cost_usd
     FROM grid LEFT JOIN s USING (run_no, k, tag)
     ORDER BY grid.run_no, grid.k, grid.tag`,
    { key },
  );
}

/** Incident windows of these runs (identical across the strategies of one scenario). */
export async function incidentWindows(store: Store, runNos: readonly number[]): Promise<{ name: string; kind: string; targets: string; start_ms: number; end_ms: number }[]> {
  return store.all(`
    SELECT DISTINCT name, kind, array_to_string(targets, ', ') AS targets, start_ms, end_ms
    FROM incidents WHERE run_no IN (${sqlRunNos(runNos)}) ORDER BY start_ms, name`);
}

/**
 * Per summary column, whether each run is the best among the `eligible` runs (ties all win; runs
 * outside `eligible` never win: see report/best-in-column.ts). `rows`: the report's summary rows
 * (runs without requests take no part).
 */
export async function winners(
  store: Store,
  eligible: readonly number[],
  rows: readonly RunFigures[],
): Promise<{ run_no: number; success_rate: boolean; p50: boolean; p95: boolean; p99: boolean; ttft: boolean; attempts: boolean; cost: boolean }[]> {
  const figures = figuresTable(rows);
  if (!figures) return [];
  const best = (col: string, fn: 'min' | 'max') => `coalesce(e AND ${col} = ${fn}(${col}) FILTER (WHERE e) OVER (), false)`;
  return store.all(`
    WITH s AS (
      SELECT run_no, run_no IN (${sqlRunNos(eligible)}) AS e, sr, p50, p95, p99, ttft, att, total_cost / nullif(successes, 0) AS cost FROM ${figures})
    SELECT run_no, ${best('sr', 'max')} AS success_rate, ${best('p50', 'min')} AS p50, ${best('p95', 'min')} AS p95,
      ${best('p99', 'min')} AS p99, ${best('ttft', 'min')} AS ttft, ${best('att', 'min')} AS attempts, ${best('cost', 'min')} AS cost
    FROM s ORDER BY run_no`);
}

/**
 * Failed-request rate per time bucket split by the layer that failed: the gateway's own errors or
 * the providers'. The provider layer always, and the gateway layer where the run has any gateway
 * failure, get a row in every bucket from the run's first to its last: the rate, 0 in a bucket with
 * requests and no such failure (without that row the stacked step area carried the last rate
 * across it), null in a bucket without requests (a gap, see report/charts/step-points.ts). Sorted
 * by run, layer, time.
 */
export async function failureLayers(store: Store, bucketMs: number): Promise<{ run_no: number; t_ms: number; layer: string; rate: number | null }[]> {
  return store.all(`
    WITH b AS (
      SELECT run_no, floor(scheduled_ms / ${bucketMs})::BIGINT AS k,
        CASE WHEN last_error IN ('gateway_error', 'payment_required', 'gateway_blocked') THEN 'gateway' ELSE 'provider' END AS layer,
        count(*) FILTER (WHERE NOT success) AS failed,
        count(*) AS n
      FROM rq GROUP BY 1, 2, 3),
    busy AS (SELECT run_no, k, sum(n) AS n FROM b GROUP BY ALL),
    layers AS (SELECT DISTINCT run_no, layer FROM b WHERE failed > 0 OR layer = 'provider'),
    grid AS (
      SELECT r.run_no, unnest(generate_series(r.first, r.last)) AS k, l.layer
      FROM (SELECT run_no, min(k) AS first, max(k) AS last FROM b GROUP BY run_no) r JOIN layers l USING (run_no))
    SELECT grid.run_no, (grid.k * ${bucketMs})::DOUBLE AS t_ms, grid.layer, coalesce(b.failed, 0) / busy.n AS rate
    FROM grid LEFT JOIN busy USING (run_no, k) LEFT JOIN b USING (run_no, k, layer)
    ORDER BY grid.run_no, grid.layer, grid.k`);
}

/**
 * Share of each budget used over time, within its calendar period (budgets from the options of
 * `budget` strategies), for the budget chart. One row per budget and bucket from the start of the
 * traffic to one past the run's last attempt: the share used so far in the bucket's period. A
 * bucket without spend repeats the period's share so far, or 0 after a period boundary; without
 * those rows the step line carried the last period's total across a quiet start of the next
 * (a project that spends nothing at night on a daily budget), began only at the first spend, and
 * drew the last bucket with no width.
 */
export async function budgetUse(store: Store, runNos: readonly number[], bucketMs: number): Promise<{ run_no: number; budget: string; t_ms: number; used: number }[]> {
  return store.all(`
    WITH b AS (
      SELECT run_no, unnest(from_json(strategy_options->'budgets', '["JSON"]')) AS j,
        coalesce(strategy_options->>'calendar_start', '2026-11-02T00:00:00Z')::TIMESTAMP AS cal
      FROM runs WHERE run_no IN (${sqlRunNos(runNos)}) AND strategy_use = 'budget'),
    bud AS (
      SELECT run_no, j->>'name' AS budget, (j->>'limit_usd')::DOUBLE AS limit_usd,
        CASE coalesce(j->>'period', 'monthly') WHEN 'daily' THEN 'day' WHEN 'weekly' THEN 'week' WHEN 'monthly' THEN 'month' ELSE 'total' END AS unit,
        CASE WHEN json_type(j->'scope') = 'OBJECT' THEN j->'scope'->>'tag' END AS tag, j->'scope'->>'value' AS value, cal
      FROM b),
    spend AS (
      SELECT bud.run_no, bud.budget, floor(a.end_ms / ${bucketMs})::BIGINT AS k, exact_sum(a.cost_usd) AS usd
      FROM bud JOIN attempts a ON a.run_no = bud.run_no
      JOIN tagsets ts ON ts.run_no = a.run_no AND ts.tagset_no = a.tagset_no
      WHERE a.end_ms IS NOT NULL AND (bud.tag IS NULL OR json_extract_string(ts.tags, '$."' || bud.tag || '"') = bud.value)
      GROUP BY ALL),
    last AS (SELECT run_no, max(floor(end_ms / ${bucketMs}))::BIGINT AS k FROM attempts WHERE run_no IN (SELECT run_no FROM bud) GROUP BY run_no),
    grid AS (
      SELECT bud.run_no, bud.budget, bud.limit_usd, bud.unit, bud.cal, unnest(generate_series(0, last.k + 1)) AS k
      FROM bud JOIN last USING (run_no)),
    g AS (SELECT grid.*, grid.k * ${bucketMs} AS t_ms, coalesce(spend.usd, 0) AS usd FROM grid LEFT JOIN spend USING (run_no, budget, k))
    SELECT run_no, budget, t_ms::DOUBLE AS t_ms, sum(usd) OVER (
        PARTITION BY run_no, budget, CASE WHEN unit = 'total' THEN NULL ELSE date_trunc(unit, cal + to_milliseconds(t_ms::BIGINT)) END
        ORDER BY k) / limit_usd AS used
    FROM g ORDER BY run_no, budget, t_ms`);
}

/** Requests a budget blocked, and attempts it downgraded, per run. */
export async function budgetEvents(store: Store, runNos: readonly number[]): Promise<{ run_no: number; blocked: number; downgraded: number }[]> {
  return store.all(`
    SELECT a.run_no, count(*) FILTER (WHERE a.outcome = 'gave_up' AND rs.reason LIKE 'budget: % at its limit (%); blocked')::INTEGER AS blocked,
      count(*) FILTER (WHERE a.outcome <> 'gave_up' AND rs.reason LIKE 'budget:%downgraded%')::INTEGER AS downgraded
    FROM attempts a JOIN reasons rs ON rs.run_no = a.run_no AND rs.reason_no = a.reason_no
    WHERE a.run_no IN (${sqlRunNos(runNos)}) GROUP BY a.run_no HAVING blocked + downgraded > 0 ORDER BY a.run_no`);
}

/** When a run group started (ISO, UTC) and the git commit(s) its runs were made at. */
export async function runGroupFacts(store: Store, runGroup: string): Promise<{ started_at: string | null; commit: string | null }> {
  const [row] = await store.all<{ started_at: string | null; commit: string | null }>(
    `SELECT strftime(min(started_at), '%Y-%m-%dT%H:%M:%SZ') AS started_at, string_agg(DISTINCT git_commit, ',') AS commit FROM runs WHERE run_group = $g`,
    { g: runGroup },
  );
  return { started_at: row?.started_at ?? null, commit: row?.commit ?? null };
}
