/**
 * The backtest's two sides in SQL: what was recorded (the trace's observed calls, loaded as table
 * `obs`, priced with the scenario's target prices in table `bt_prices`) and what the simulation of
 * the deployed strategy did (the `requests` view of one run), as the same aggregates: success
 * rate, failover rate, latency and TTFT quantiles of successful requests, cost per 1k successful
 * requests (every billed call over the successful ones, on both sides), the share each target
 * served, and success per time bucket.
 *
 * Per target, a call is an attempt on both sides: the recorded side adds the failed upstream
 * attempts a gateway log lists before its answer (observed-table.ts, `upstream` rows), as the
 * simulated side counts every attempt it sent; every per-request figure reads the recorded
 * requests only (CALLS).
 *
 * Both sides count the same calls. The recorded side leaves out rows that say nothing about a
 * provider (no recorded outcome, a call the app hung up on, one a gateway answered from its cache:
 * observed-table.ts), but the simulation replays every row of the trace; table `bt_left_out`
 * (request numbers, as the trace reader numbers the rows) takes the same requests out of the
 * simulated side.
 */
import type { Store } from './open-store.js';

/** The recorded requests: obs without the failed upstream attempts added beside them. */
const CALLS = '(SELECT * FROM obs WHERE NOT upstream)';

export interface SideAggregates {
  requests: number;
  /** Successful calls: what the latency quantiles are over. */
  successes: number;
  /** Successful streamed calls: what the TTFT quantiles are over. */
  streamed_successes: number;
  /** Calls whose failover is known (the recording logs their upstream attempts): the failover rate's denominator. */
  failover_known: number;
  success_rate: number;
  failover_rate: number | null;
  p50_latency_ms: number | null;
  p95_latency_ms: number | null;
  p50_ttft_ms: number | null;
  p95_ttft_ms: number | null;
  cost_per_1k_ok_usd: number | null;
}

/**
 * The recorded side's prices: the target's (bt_prices), or the model the call asked for where the
 * scenario prices that model on that target (bt_model_prices: `mock.models`, as the simulation bills it).
 */
async function pricedObs(store: Store, from: string = CALLS): Promise<string> {
  const [t] = await store.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name = 'bt_model_prices' AND temporary`);
  if ((t?.n ?? 0) === 0) return `(SELECT o.*, p.target AS priced, p.input, p.output, p.cached_input FROM ${from} o LEFT JOIN bt_prices p ON p.target = o.target_id)`;
  return `(SELECT o.*, p.target AS priced, coalesce(m.input, p.input) AS input, coalesce(m.output, p.output) AS output, coalesce(m.cached_input, p.cached_input) AS cached_input
    FROM ${from} o LEFT JOIN bt_prices p ON p.target = o.target_id LEFT JOIN bt_model_prices m ON p.target IS NOT NULL AND m.target = o.target_id AND m.model = o.route)`;
}

export async function recordedAggregates(store: Store): Promise<SideAggregates> {
  const [r] = await store.all<SideAggregates>(`
    SELECT count(*)::INTEGER AS requests, count(*) FILTER (WHERE ok)::INTEGER AS successes, count(*) FILTER (WHERE ok AND stream)::INTEGER AS streamed_successes,
      avg(ok::INTEGER) AS success_rate, count(failover)::INTEGER AS failover_known,
      CASE WHEN count(failover) > 0 THEN avg(failover::INTEGER) END AS failover_rate,
      quantile_cont(latency_ms, 0.5) FILTER (WHERE ok) AS p50_latency_ms, quantile_cont(latency_ms, 0.95) FILTER (WHERE ok) AS p95_latency_ms,
      quantile_cont(ttft_ms, 0.5) FILTER (WHERE ok AND stream) AS p50_ttft_ms, quantile_cont(ttft_ms, 0.95) FILTER (WHERE ok AND stream) AS p95_ttft_ms,
      -- the billing rule of the simulated side (engine/billing.ts observedOutput): a call is billed
      -- when it was answered or produced output before it failed (a cut stream); an error with no output is free.
      -- A billed call to a target the scenario has no price for makes the cost unknown (summed without it, it read low)
      CASE WHEN count(*) FILTER (WHERE (ok OR output_tokens > 0) AND priced IS NULL) = 0 THEN
        sum(CASE WHEN ok OR output_tokens > 0 THEN ((input_tokens - cached_tokens) * input + cached_tokens * cached_input + output_tokens * output) / 1e6 ELSE 0 END)
          / nullif(count(*) FILTER (WHERE ok), 0) * 1000 END AS cost_per_1k_ok_usd
    FROM ${await pricedObs(store)}`);
  return r!;
}

/** Recorded targets the scenario has no target (so no price) for, with their calls. */
export async function unpricedTargets(store: Store): Promise<{ target: string; calls: number }[]> {
  return store.all(`SELECT target_id AS target, count(*)::INTEGER AS calls FROM ${CALLS} WHERE target_id NOT IN (SELECT target FROM bt_prices) GROUP BY 1 ORDER BY 1`);
}

/** The simulated requests the recorded side also counts: the run's, less those in bt_left_out (when it exists). */
async function simulated(store: Store, runNo: number): Promise<string> {
  const [t] = await store.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name = 'bt_left_out' AND temporary`);
  const out = (t?.n ?? 0) > 0 ? ' AND request_no NOT IN (SELECT request_no FROM bt_left_out)' : '';
  return `(SELECT * FROM requests WHERE run_no = ${Math.trunc(runNo)}${out})`;
}

export async function simulatedAggregates(store: Store, runNo: number): Promise<SideAggregates> {
  const [r] = await store.all<SideAggregates>(`
    SELECT count(*)::INTEGER AS requests, count(*) FILTER (WHERE success)::INTEGER AS successes, count(*) FILTER (WHERE success AND stream)::INTEGER AS streamed_successes,
      count(*)::INTEGER AS failover_known, avg(success::INTEGER) AS success_rate, avg(failover::INTEGER) AS failover_rate,
      quantile_cont(latency_ms, 0.5) FILTER (WHERE success) AS p50_latency_ms, quantile_cont(latency_ms, 0.95) FILTER (WHERE success) AS p95_latency_ms,
      quantile_cont(ttft_ms, 0.5) FILTER (WHERE success AND stream) AS p50_ttft_ms, quantile_cont(ttft_ms, 0.95) FILTER (WHERE success AND stream) AS p95_ttft_ms,
      exact_sum(cost_usd) / nullif(count(*) FILTER (WHERE success), 0) * 1000 AS cost_per_1k_ok_usd
    FROM ${await simulated(store, runNo)}`);
  return r!;
}

/** One target's calls on one side of the backtest (a call is an attempt on that target; recorded, where the log lists them). */
export interface TargetSide {
  calls: number;
  success_rate: number;
  p50_ttft_ms: number | null;
  p50_latency_ms: number | null;
  /** What its calls cost, USD; null on the recorded side when the scenario has no price for it. */
  cost_usd: number | null;
}

/**
 * Per target, both sides: calls, success rate, p50 TTFT (streamed successes) and latency
 * (successes) from the call's start, and cost. The recorded calls are the trace's rows with that
 * target and, where a gateway log lists the upstream attempts before its answer, the failed ones
 * on it; the simulated ones the attempts the deployed strategy sent it (retries and failovers
 * each count), except given-up placeholders. Recorded cost follows the simulated side's billing
 * rule (recordedAggregates).
 */
export async function perTarget(store: Store, runNo: number): Promise<{ target: string; recorded: TargetSide | null; simulated: TargetSide | null }[]> {
  return sides(store, runNo, false);
}

/**
 * The same per model (the route a call asked for) on each target whose recorded calls asked for
 * several: what the per-model fits of `mock.models` are to reproduce. Empty when no target did.
 */
export async function perModel(store: Store, runNo: number): Promise<{ target: string; model: string; recorded: TargetSide | null; simulated: TargetSide | null }[]> {
  const multi = await store.all<{ target: string }>(`SELECT target_id AS target FROM ${CALLS} WHERE route IS NOT NULL GROUP BY 1 HAVING count(DISTINCT route) > 1`);
  if (multi.length === 0) return [];
  const keep = new Set(multi.map((m) => m.target));
  return (await sides(store, runNo, true)).filter((r) => keep.has(r.target)) as { target: string; model: string; recorded: TargetSide | null; simulated: TargetSide | null }[];
}

async function sides(store: Store, runNo: number, byModel: boolean): Promise<{ target: string; model?: string; recorded: TargetSide | null; simulated: TargetSide | null }[]> {
  const rows = await store.all<{ target: string; model: string | null; side: 'recorded' | 'simulated' } & TargetSide>(`
    SELECT target_id AS target, ${byModel ? 'route' : 'NULL::VARCHAR'} AS model, 'recorded' AS side, count(*)::INTEGER AS calls, avg(ok::INTEGER) AS success_rate,
      quantile_cont(ttft_ms, 0.5) FILTER (WHERE ok AND stream) AS p50_ttft_ms, quantile_cont(latency_ms, 0.5) FILTER (WHERE ok) AS p50_latency_ms,
      CASE WHEN count(priced) > 0 THEN sum(CASE WHEN ok OR output_tokens > 0 THEN ((input_tokens - cached_tokens) * input + cached_tokens * cached_input + output_tokens * output) / 1e6 ELSE 0 END) END AS cost_usd
    FROM ${await pricedObs(store, 'obs')} GROUP BY 1, 2
    UNION ALL
    SELECT t.target_id, ${byModel ? 'ro.route' : 'NULL::VARCHAR'}, 'simulated', count(*)::INTEGER, avg((a.outcome = 'ok')::INTEGER),
      quantile_cont(a.first_token_ms - a.sent_ms, 0.5) FILTER (WHERE a.outcome = 'ok' AND a.stream), quantile_cont(a.end_ms - a.sent_ms, 0.5) FILTER (WHERE a.outcome = 'ok'),
      exact_sum(a.cost_usd)::DOUBLE
    FROM attempts a JOIN targets t ON t.run_no = a.run_no AND t.target_no = a.target_no
      ${byModel ? 'LEFT JOIN routes ro ON ro.run_no = a.run_no AND ro.route_no = a.route_no' : ''}
    WHERE a.run_no = ${Math.trunc(runNo)} AND a.outcome <> 'gave_up' AND a.request_no IN (SELECT request_no FROM ${await simulated(store, runNo)})
    GROUP BY 1, 2
    ORDER BY 1, 2, 3`);
  const by = new Map<string, { target: string; model?: string; recorded: TargetSide | null; simulated: TargetSide | null }>();
  for (const { target, model, side, ...v } of rows) {
    const key = `${target}\u0000${model ?? ''}`;
    const entry = by.get(key) ?? { target, ...(model === null ? {} : { model }), recorded: null, simulated: null };
    entry[side] = v;
    by.set(key, entry);
  }
  return [...by.values()];
}

/** Share of successful requests each target served, on both sides. */
export async function targetShares(store: Store, runNo: number): Promise<{ target: string; recorded: number; simulated: number }[]> {
  return store.all(`
    WITH rec AS (SELECT target_id AS target, count(*) / sum(count(*)) OVER () AS share FROM ${CALLS} WHERE ok GROUP BY 1),
    sim AS (SELECT t.target_id AS target, count(*) / sum(count(*)) OVER () AS share
      FROM ${await simulated(store, runNo)} q JOIN targets t ON t.run_no = q.run_no AND t.target_no = q.served_by WHERE q.success GROUP BY 1)
    SELECT coalesce(rec.target, sim.target) AS target, coalesce(rec.share, 0) AS recorded, coalesce(sim.share, 0) AS simulated
    FROM rec FULL JOIN sim USING (target) ORDER BY target`);
}

/**
 * Success rate per time bucket on both sides, both counted from the trace's first row: recorded
 * time as calibrate counts it (observed-table.ts), simulated from the run's first request, left
 * out or not (the first row need not be a call the backtest compares).
 */
export async function successOverTime(store: Store, runNo: number, bucketMs: number): Promise<{ t_ms: number; recorded: number | null; simulated: number | null; n: number }[]> {
  const run = Math.trunc(runNo);
  return store.all(`
    WITH rec AS (SELECT floor(t_ms / ${bucketMs}) * ${bucketMs} AS t_ms, avg(ok::INTEGER) AS rate, count(*) AS n FROM ${CALLS} GROUP BY 1),
    sim AS (SELECT floor((scheduled_ms - (SELECT min(scheduled_ms) FROM attempts WHERE run_no = ${run})) / ${bucketMs}) * ${bucketMs} AS t_ms, success FROM ${await simulated(store, runNo)}),
    simb AS (SELECT t_ms, avg(success::INTEGER) AS rate FROM sim GROUP BY 1)
    SELECT coalesce(rec.t_ms, simb.t_ms) AS t_ms, rec.rate AS recorded, simb.rate AS simulated, coalesce(rec.n, 0)::INTEGER AS n
    FROM rec FULL JOIN simb USING (t_ms) ORDER BY t_ms`);
}
