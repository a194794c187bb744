/**
 * A report's temporary table `rq`: the `requests` view of its runs materialised once (one GROUP BY
 * over the attempts instead of one per chart; report-queries.ts reads it), and the time buckets
 * the report's charts share.
 */
import type { Store } from './open-store.js';
import { sqlRunNos } from './select-runs.js';


/**
 * The `requests` columns a report reads (summary, comparisons, shift plot, charts). `last_error`
 * is only read by the failed-requests-by-layer chart, drawn when a target of the runs is reached
 * through a gateway (throughGateway): without one rq holds NULL there and DuckDB skips the view's
 * arg_max per request (~15% of the materialisation's CPU).
 */
const rqColumns = (lastError: boolean) =>
  `run_no, request_no, scheduled_ms, tagset_no, stream, success, attempts, failover, latency_ms, duration_ms, ttft_ms, lag_ms, ${lastError ? 'last_error' : 'NULL::error_kind_t AS last_error'}, cost_usd, wasted_cost_usd, gateway_overhead_ms, gateway_wait_ms`;

/** Whether any target of these runs is reached through a gateway (`via`): the report then draws failures by layer. */
export async function throughGateway(store: Store, runNos: readonly number[]): Promise<boolean> {
  const [row] = await store.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM targets WHERE via IS NOT NULL AND run_no IN (${sqlRunNos(runNos)})`);
  return (row?.n ?? 0) > 0;
}

/** Materialises the requests of these runs as temp table `rq`; returns the time bucket width in ms. */
export async function prepareReport(store: Store, runNos: readonly number[], buckets = 60): Promise<{ bucketMs: number; spanMs: number }> {
  // One run (or a few small ones) at a time: the requests GROUP BY holds every request of what it aggregates in a hash
  // table; per run, the peak is one run's (a 5-run group over 1M attempts: ~725 -> ~450 MB RSS).
  // Only the columns the report reads: DuckDB then skips the view's other aggregates (~30% less CPU).
  // Small runs share a statement (each costs ~10 ms to plan through the view), up to BATCH_ROWS
  // attempts: the peak stays that of the largest run or of BATCH_ROWS.
  const columns = rqColumns(await throughGateway(store, runNos));
  await store.run(`CREATE OR REPLACE TEMP TABLE rq AS SELECT ${columns} FROM requests WHERE false`);
  for (const batch of await runBatches(store, runNos)) await store.run(`INSERT INTO rq SELECT ${columns} FROM requests WHERE run_no IN (${sqlRunNos(batch)})`);
  const [row] = await store.all<{ span: number | null; reach: number | null }>(`SELECT max(scheduled_ms) AS span, max(scheduled_ms + duration_ms) AS reach FROM rq`);
  const spanMs = Math.max(1, row?.span ?? 1);
  // The buckets cover the attempts too (charts by send time run past the last arrival by its
  // retries): a trace whose arrivals all fall within a millisecond made buckets of 0.02 ms over
  // the seconds its attempts took, millions of chart points.
  const raw = Math.max(spanMs, row?.reach ?? 0) / buckets;
  // a round bucket width: 1, 2, 5 × 10^k ms, at least 1 ms
  const pow = 10 ** Math.floor(Math.log10(raw));
  const bucketMs = Math.max(1, [1, 2, 5, 10].map((m) => m * pow).find((w) => w >= raw)!);
  return { bucketMs, spanMs };
}

/**
 * The runs in consecutive batches of at most BATCH_ROWS attempt rows, in the order given; a larger
 * run, or one whose size is not recorded, goes alone.
 */
export async function runBatches(store: Store, runNos: readonly number[]): Promise<number[][]> {
  const rows = await store.all<{ run_no: number; n: number | null }>(`SELECT run_no, attempt_rows AS n FROM runs WHERE run_no IN (${sqlRunNos(runNos)})`);
  const size = new Map(rows.map((r) => [r.run_no, r.n]));
  const out: number[][] = [];
  let used = Infinity;
  for (const runNo of runNos) {
    const n = size.get(runNo) ?? null;
    if (n === null || used + n > BATCH_ROWS) {
      out.push([runNo]);
      used = n ?? Infinity;
    } else {
      out.at(-1)!.push(runNo);
      used += n;
    }
  }
  return out;
}

/** Attempt rows that may share one INSERT into rq (under one row group: a run's rows stay together). */
const BATCH_ROWS = 100_000;
