/**
 * Writes of `routebench load`: the per-request rows of open-loop points and overhead cells go
 * through the appender, a point or cell at a time (between measurements, never during one); an
 * open point's figures are then aggregated from its rows in SQL; closed points (autocannon's
 * counts), the run row and the derived frontier and overhead intervals are single statements.
 */
import type { ClosedLevelResult } from '../load/closed-loop.js';
import type { OpenPointRows } from '../load/open-loop.js';
import type { OverheadRows } from '../load/overhead.js';
import type { Store } from './open-store.js';

const OUTCOMES = ['ok', 'error', 'dropped'];

const finite = (v: number) => Number.isFinite(v);

export async function appendOpenRows(store: Store, runId: string, arm: string, level: number, rows: OpenPointRows): Promise<void> {
  const app = await store.con.createAppender('load_requests');
  for (let i = 0; i < rows.n; i++) {
    app.appendVarchar(runId);
    app.appendVarchar(arm);
    app.appendDouble(level);
    app.appendInteger(i);
    app.appendDouble(rows.scheduledMs[i]!);
    const lag = rows.lagMs[i]!;
    if (finite(lag)) app.appendDouble(lag);
    else app.appendNull();
    const lat = rows.latencyMs[i]!;
    if (finite(lat)) app.appendDouble(lat);
    else app.appendNull();
    if (rows.outcome[i] === 2) app.appendNull();
    else app.appendSmallInt(rows.status[i]!);
    app.appendVarchar(OUTCOMES[rows.outcome[i]!]!);
    const kind = rows.kind[i];
    if (kind) app.appendVarchar(kind);
    else app.appendNull();
    app.endRow();
  }
  app.closeSync();
}

export async function appendOverheadRows(store: Store, runId: string, arm: string, cell: { concurrency: number; stream: boolean }, rows: OverheadRows): Promise<void> {
  const app = await store.con.createAppender('load_overhead');
  const dbl = (v: number) => (finite(v) ? app.appendDouble(v) : app.appendNull());
  for (let i = 0; i < rows.n; i++) {
    app.appendVarchar(runId);
    app.appendVarchar(arm);
    app.appendInteger(cell.concurrency);
    app.appendBoolean(cell.stream);
    app.appendInteger(rows.worker[i]!);
    app.appendInteger(rows.round[i]!);
    app.appendVarchar(rows.side[i] === 0 ? 'direct' : 'arm');
    app.appendBoolean(rows.wentFirst[i] === 1);
    app.appendDouble(rows.latencyUs[i]!);
    dbl(rows.ttftUs[i]!);
    if (cell.stream) app.appendInteger(rows.chunks[i]!);
    else app.appendNull();
    dbl(rows.meanGapUs[i]!);
    dbl(rows.maxGapUs[i]!);
    if (cell.stream) app.appendInteger(rows.stalls[i]!);
    else app.appendNull();
    app.appendSmallInt(rows.status[i]!);
    const kind = rows.kind[i];
    if (kind) app.appendVarchar(kind);
    else app.appendNull();
    app.endRow();
  }
  app.closeSync();
}

/** Resource use of the gateway and the mock during one point. */
export interface PointUsage {
  gatewayCpuMs: number | null;
  gatewayRssPeakMb: number | null;
  mockCpuMs: number | null;
  mockRequests: number | null;
}

const usageParams = (u: PointUsage) => ({ gw_cpu: u.gatewayCpuMs, gw_rss: u.gatewayRssPeakMb, mock_cpu: u.mockCpuMs, mock_req: u.mockRequests });
const USAGE_SQL = 'CAST($gw_cpu AS DOUBLE), CAST($gw_rss AS DOUBLE), CAST($mock_cpu AS DOUBLE), CAST($mock_req AS INTEGER)';

/** One open-loop point, aggregated from its request rows. */
export async function insertOpenPoint(store: Store, runId: string, arm: string, level: number, durationMs: number, late: number, usage: PointUsage): Promise<void> {
  await store.run(
    `INSERT INTO load_points
     SELECT $run, $arm, 'open', $level, $duration,
            count(*) FILTER (WHERE outcome <> 'dropped')::INTEGER,
            count(*) FILTER (WHERE outcome = 'ok')::INTEGER,
            count(*) FILTER (WHERE outcome = 'error')::INTEGER,
            count(*) FILTER (WHERE outcome = 'dropped')::INTEGER,
            $late,
            count(*) FILTER (WHERE outcome = 'ok') / ($duration / 1000.0),
            quantile_cont(latency_ms, 0.5) FILTER (WHERE outcome = 'ok'),
            quantile_cont(latency_ms, 0.9) FILTER (WHERE outcome = 'ok'),
            quantile_cont(latency_ms, 0.99) FILTER (WHERE outcome = 'ok'),
            max(latency_ms) FILTER (WHERE outcome = 'ok'),
            quantile_cont(lag_ms, 0.5), quantile_cont(lag_ms, 0.99),
            (SELECT coalesce(json_group_object(k, n), '{}')::JSON FROM (SELECT error_kind AS k, count(*) AS n FROM load_requests
               WHERE load_run_id = $run AND arm = $arm AND level = $level AND outcome <> 'ok' GROUP BY ALL ORDER BY n DESC)),
            ${USAGE_SQL}
     FROM load_requests WHERE load_run_id = $run AND arm = $arm AND level = $level`,
    { run: runId, arm, level, duration: durationMs, late, ...usageParams(usage) },
  );
}

export async function insertClosedPoint(store: Store, runId: string, arm: string, r: ClosedLevelResult, usage: PointUsage): Promise<void> {
  await store.run(
    `INSERT INTO load_points VALUES ($run, $arm, 'closed', $level, $duration, $sent, $ok, $errors, 0, 0, $ok / ($duration / 1000.0),
       CAST($p50 AS DOUBLE), CAST($p90 AS DOUBLE), CAST($p99 AS DOUBLE), CAST($max AS DOUBLE), NULL, NULL, $kinds::JSON, ${USAGE_SQL})`,
    { run: runId, arm, level: r.connections, duration: r.durationMs, sent: Math.max(r.sent, r.ok + r.errors), ok: r.ok, errors: r.errors, p50: r.p50Ms, p90: r.p90Ms, p99: r.p99Ms, max: r.maxMs, kinds: JSON.stringify(r.errorKinds), ...usageParams(usage) },
  );
}
