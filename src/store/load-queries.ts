/**
 * Named queries of `routebench load`: the run row, the measured points, the overhead pairs (one
 * row per pair where both requests succeeded, pivoted in SQL), the error and stall counts of each
 * overhead cell, and the derived frontier and overhead rows the reports read back.
 */
import type { Store } from './open-store.js';

export interface LoadRunRow {
  runId: string;
  scenario: string;
  scenarioHash: string;
  scenarioFile: string;
  startedAt: Date;
  seed: number;
  config: unknown;
  arms: unknown;
  host: unknown;
  loadAverage: number[];
  harnessVersion: string;
  gitCommit: string | null;
}

export async function insertLoadRun(store: Store, r: LoadRunRow): Promise<void> {
  const avg = r.loadAverage.map((x) => (Number.isFinite(x) ? x.toFixed(2) : 'NULL')).join(', ');
  await store.run(
    `INSERT INTO load_runs (load_run_id, scenario, scenario_hash, scenario_file, started_at, status, seed, config, arms, host, load_average, harness_version, git_commit)
     VALUES ($id, $scenario, $hash, $file, $started::TIMESTAMP, 'running', $seed, $config::JSON, $arms::JSON, $host::JSON, [${avg}]::DOUBLE[], $version, CAST($commit AS VARCHAR))`,
    {
      id: r.runId,
      scenario: r.scenario,
      hash: r.scenarioHash,
      file: r.scenarioFile,
      started: r.startedAt.toISOString().replace('T', ' ').replace('Z', ''),
      seed: r.seed,
      config: JSON.stringify(r.config),
      arms: JSON.stringify(r.arms),
      host: JSON.stringify(r.host),
      version: r.harnessVersion,
      commit: r.gitCommit,
    },
  );
}

export async function finishLoadRun(store: Store, runId: string, f: { status: string; finishedAt: Date; wallMs: number; arms: unknown; mock: unknown; generator: unknown; warnings: string[] }): Promise<void> {
  await store.run(`UPDATE load_runs SET status = $status, finished_at = $finished::TIMESTAMP, wall_ms = $wall, arms = $arms::JSON, mock = $mock::JSON, generator = $generator::JSON, warnings = $warnings::JSON WHERE load_run_id = $id`, {
    id: runId,
    status: f.status,
    finished: f.finishedAt.toISOString().replace('T', ' ').replace('Z', ''),
    wall: f.wallMs,
    arms: JSON.stringify(f.arms),
    mock: JSON.stringify(f.mock),
    generator: JSON.stringify(f.generator),
    warnings: JSON.stringify(f.warnings),
  });
}

/** A run that stopped on a harness fault keeps what it measured and says why. */
export async function failLoadRun(store: Store, runId: string, message: string): Promise<void> {
  await store.run(`UPDATE load_runs SET status = 'error', warnings = to_json([$message]) WHERE load_run_id = $id`, { id: runId, message });
}

export interface PointRow {
  arm: string;
  loop: 'closed' | 'open';
  level: number;
  duration_ms: number;
  sent: number;
  ok: number;
  errors: number;
  dropped: number;
  late: number;
  achieved_rps: number;
  p50_ms: number | null;
  p90_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
  lag_p50_ms: number | null;
  lag_p99_ms: number | null;
  error_kinds: string | null;
  gateway_cpu_ms: number | null;
  gateway_rss_peak_mb: number | null;
  mock_cpu_ms: number | null;
  mock_requests: number | null;
}

export async function loadPoints(store: Store, runId: string): Promise<PointRow[]> {
  return store.all<PointRow>(
    `SELECT arm, loop, level, duration_ms, sent, ok, errors, dropped, late, achieved_rps, p50_ms, p90_ms, p99_ms, max_ms, lag_p50_ms, lag_p99_ms,
            error_kinds::VARCHAR AS error_kinds, gateway_cpu_ms, gateway_rss_peak_mb, mock_cpu_ms, mock_requests
     FROM load_points WHERE load_run_id = $id ORDER BY rowid`,
    { id: runId },
  );
}

export interface PairColumns {
  direct: Float64Array;
  arm: Float64Array;
}

/** Per pair (both sides ok), one column of each side, in pair order. `column` is trusted SQL. */
export async function overheadPairs(store: Store, runId: string, arm: string, concurrency: number, stream: boolean, column: string): Promise<PairColumns> {
  const rows = await store.all<{ d: number; a: number }>(
    `SELECT max(${column}) FILTER (WHERE side = 'direct') AS d, max(${column}) FILTER (WHERE side = 'arm') AS a
     FROM load_overhead WHERE load_run_id = $id AND arm = $arm AND concurrency = $c AND stream = $s
     GROUP BY worker, round HAVING bool_and(error_kind IS NULL) AND count(${column}) = 2 ORDER BY worker, round`,
    { id: runId, arm, c: concurrency, s: stream },
  );
  return { direct: Float64Array.from(rows, (r) => r.d), arm: Float64Array.from(rows, (r) => r.a) };
}

export interface OverheadCounts {
  arm: string;
  concurrency: number;
  stream: boolean;
  direct_errors: number;
  arm_errors: number;
  direct_stalls: number | null;
  arm_stalls: number | null;
  error_kinds: string | null;
}

export async function overheadCounts(store: Store, runId: string): Promise<OverheadCounts[]> {
  return store.all<OverheadCounts>(
    `SELECT arm, concurrency, stream,
            count(*) FILTER (WHERE side = 'direct' AND error_kind IS NOT NULL)::INTEGER AS direct_errors,
            count(*) FILTER (WHERE side = 'arm' AND error_kind IS NOT NULL)::INTEGER AS arm_errors,
            sum(stalls) FILTER (WHERE side = 'direct')::INTEGER AS direct_stalls,
            sum(stalls) FILTER (WHERE side = 'arm')::INTEGER AS arm_stalls,
            (SELECT json_group_object(k, n)::VARCHAR FROM (SELECT side || ':' || error_kind AS k, count(*) AS n FROM load_overhead o2
               WHERE o2.load_run_id = o.load_run_id AND o2.arm = o.arm AND o2.concurrency = o.concurrency AND o2.stream = o.stream AND error_kind IS NOT NULL GROUP BY ALL)) AS error_kinds
     FROM load_overhead o WHERE load_run_id = $id GROUP BY ALL ORDER BY arm, stream, concurrency`,
    { id: runId },
  );
}

export interface OverheadResultRow {
  arm: string;
  concurrency: number;
  stream: boolean;
  metric: string;
  direct_us: number | null;
  arm_us: number | null;
  added_us: number | null;
  lo_us: number | null;
  hi_us: number | null;
  pairs: number;
  direct_errors: number;
  arm_errors: number;
  direct_stalls: number | null;
  arm_stalls: number | null;
}

export async function insertOverheadResults(store: Store, runId: string, rows: readonly OverheadResultRow[]): Promise<void> {
  for (const r of rows)
    await store.run(
      `INSERT INTO load_overhead_results VALUES ($id, $arm, $c, $s, $metric, CAST($d AS DOUBLE), CAST($a AS DOUBLE), CAST($added AS DOUBLE), CAST($lo AS DOUBLE), CAST($hi AS DOUBLE), $pairs, $de, $ae, CAST($ds AS INTEGER), CAST($ast AS INTEGER))`,
      { id: runId, arm: r.arm, c: r.concurrency, s: r.stream, metric: r.metric, d: r.direct_us, a: r.arm_us, added: r.added_us, lo: r.lo_us, hi: r.hi_us, pairs: r.pairs, de: r.direct_errors, ae: r.arm_errors, ds: r.direct_stalls, ast: r.arm_stalls },
    );
}

export interface FrontierRow {
  arm: string;
  p99_bound_ms: number | null;
  rps: number | null;
  loop: string | null;
  level: number | null;
  p99_ms: number | null;
}

export async function insertFrontier(store: Store, runId: string, rows: readonly FrontierRow[]): Promise<void> {
  for (const r of rows)
    await store.run(`INSERT INTO load_frontier VALUES ($id, $arm, CAST($b AS DOUBLE), CAST($rps AS DOUBLE), CAST($loop AS VARCHAR), CAST($level AS DOUBLE), CAST($p99 AS DOUBLE))`, {
      id: runId,
      arm: r.arm,
      b: r.p99_bound_ms,
      rps: r.rps,
      loop: r.loop,
      level: r.level,
      p99: r.p99_ms,
    });
}
