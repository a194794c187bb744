/**
 * Run bookkeeping: a `runs` row created as 'running' before any attempt is written, dimension
 * tables (targets, incidents, reasons, tag sets, routes), and the final status. A run that never
 * reaches finishRun stays 'running' and is reported as such, never as complete.
 */
import { hashString } from '../rng.js';
import type { Store } from './open-store.js';
import { currentOwner } from './run-owner.js';

/** `abandoned`: left `running` by a process that is gone (abandoned-runs.ts). */
export type RunStatus = 'running' | 'ok' | 'thresholds_failed' | 'interrupted' | 'error' | 'abandoned';

export interface RunMeta {
  runGroup: string;
  scenario: string;
  scenarioHash: string;
  scenarioFile: string;
  scenarioDescription?: string;
  /** One line describing the traffic, e.g. "trace x.csv (azure)". */
  traffic: string;
  strategy: string;
  /** The strategy's position (0-based) in the scenario's declared `strategies`. */
  strategyIndex: number;
  strategyUse: string;
  strategyOptions: unknown;
  mode: string;
  transport: string;
  seed: number;
  startedAt: Date;
  harnessVersion: string;
  gitCommit: string | null;
  host: Record<string, unknown>;
  /** The scenario's gateways (added latency, limits, billing), for cost reports. */
  gateways?: Record<string, unknown>;
  /** Replay speed-up (scenario ms per real ms); 1 for simulate. */
  timeScale?: number;
}

export interface TargetRecord {
  id: string;
  provider: string;
  model: string;
  dialect: string;
  price: { input: number; output: number; cached_input: number; source?: string };
  via?: string;
}

export interface IncidentRecord {
  name: string;
  kind: string;
  targets: string[];
  startMs: number;
  endMs: number;
}

export interface RunDictionaries {
  reasons: readonly string[];
  tagsets: readonly Readonly<Record<string, string>>[];
  routes: readonly string[];
}

export interface RunOutcome {
  status: RunStatus;
  requests: number;
  attemptRows: number;
  skippedRows: number;
  trafficMs: number;
  wallMs: number;
  finishedAt: Date;
  error?: string;
  /** Traffic time at which an abort_on_fail threshold stopped the run (it covers the traffic up to there). */
  stoppedAtMs?: number;
}

/** Creates the run row; the run id is unique in this file (a suffix is added on a clash). */
export async function createRun(store: Store, meta: RunMeta, targets: readonly TargetRecord[], incidents: readonly IncidentRecord[]): Promise<{ runNo: number; runId: string }> {
  const [{ next }] = await store.all<{ next: number }>('SELECT coalesce(max(run_no), 0) + 1 AS next FROM runs');
  // A short tag of host, process and run group keeps ids from machines started in the same second apart.
  const tag = (hashString(`${String(meta.host.hostname ?? '')}:${String(meta.host.pid ?? '')}:${meta.runGroup}`) % 0x10000).toString(16).padStart(4, '0');
  const base = `${meta.scenario}.${meta.strategy}.${stamp(meta.startedAt)}-${tag}`;
  const taken = new Set((await store.all<{ run_id: string }>('SELECT run_id FROM runs WHERE run_id LIKE $p', { p: `${base}%` })).map((r) => r.run_id));
  let runId = base;
  for (let i = 2; taken.has(runId); i++) runId = `${base}-${i}`;
  await store.run(
    `INSERT INTO runs (run_no, run_id, run_group, scenario, scenario_hash, scenario_file, scenario_description, traffic, strategy, strategy_use,
       strategy_options, mode, transport, seed, started_at, status, harness_version, git_commit, host, gateways, time_scale, strategy_index,
       owner_pid, owner_host, owner_start)
     VALUES ($run_no, $run_id, $run_group, $scenario, $hash, $file, $description, $traffic, $strategy, $use, $options, $mode, $transport, $seed,
       make_timestamp($started::BIGINT * 1000), 'running', $version, $commit, $host, $gateways, $scale, $strategy_index,
       $owner_pid, $owner_host, $owner_start)`,
    {
      run_no: next,
      run_id: runId,
      run_group: meta.runGroup,
      scenario: meta.scenario,
      hash: meta.scenarioHash,
      file: meta.scenarioFile,
      description: meta.scenarioDescription ?? null,
      traffic: meta.traffic,
      strategy: meta.strategy,
      use: meta.strategyUse,
      options: JSON.stringify(meta.strategyOptions ?? {}),
      mode: meta.mode,
      transport: meta.transport,
      seed: meta.seed,
      started: meta.startedAt.getTime(),
      version: meta.harnessVersion,
      commit: meta.gitCommit,
      host: JSON.stringify(meta.host),
      gateways: JSON.stringify(meta.gateways ?? {}),
      scale: meta.timeScale ?? 1,
      strategy_index: meta.strategyIndex,
      owner_pid: currentOwner().pid,
      owner_host: currentOwner().host,
      owner_start: currentOwner().start,
    },
  );
  const ta = await store.con.createAppender('targets');
  targets.forEach((t, i) => {
    ta.appendInteger(next);
    ta.appendSmallInt(i);
    ta.appendVarchar(t.id);
    ta.appendVarchar(t.provider);
    ta.appendVarchar(t.model);
    ta.appendVarchar(t.dialect);
    ta.appendDouble(t.price.input);
    ta.appendDouble(t.price.output);
    ta.appendDouble(t.price.cached_input);
    if (t.price.source) ta.appendVarchar(t.price.source);
    else ta.appendNull();
    if (t.via) ta.appendVarchar(t.via);
    else ta.appendNull();
    ta.endRow();
  });
  ta.closeSync();
  for (const [i, inc] of incidents.entries())
    await store.run(`INSERT INTO incidents VALUES ($run, $no, $name, $kind, from_json($targets, '["VARCHAR"]'), $start, $end)`, {
      run: next,
      no: i,
      name: inc.name,
      kind: inc.kind,
      targets: JSON.stringify(inc.targets),
      start: inc.startMs,
      end: inc.endMs,
    });
  return { runNo: next, runId };
}

/** Writes the run's dictionaries and final status. */
export async function finishRun(store: Store, runNo: number, dict: RunDictionaries, outcome: RunOutcome): Promise<void> {
  const r = await store.con.createAppender('reasons');
  dict.reasons.forEach((reason, i) => {
    r.appendInteger(runNo);
    r.appendInteger(i);
    r.appendVarchar(reason);
    r.endRow();
  });
  r.closeSync();
  const t = await store.con.createAppender('tagsets');
  dict.tagsets.forEach((tags, i) => {
    t.appendInteger(runNo);
    t.appendInteger(i);
    t.appendVarchar(JSON.stringify(tags));
    t.endRow();
  });
  t.closeSync();
  const ro = await store.con.createAppender('routes');
  dict.routes.forEach((route, i) => {
    ro.appendInteger(runNo);
    ro.appendInteger(i);
    ro.appendVarchar(route);
    ro.endRow();
  });
  ro.closeSync();
  await setStatus(store, runNo, outcome);
}

export async function setStatus(store: Store, runNo: number, o: RunOutcome): Promise<void> {
  await store.run(
    `UPDATE runs SET status = $status, requests = $requests, attempt_rows = $rows, skipped_rows = $skipped, traffic_ms = $traffic,
       wall_ms = $wall, finished_at = make_timestamp($finished::BIGINT * 1000), error = $error, stopped_at_ms = $stopped WHERE run_no = $run`,
    {
      status: o.status,
      requests: o.requests,
      rows: o.attemptRows,
      skipped: o.skippedRows,
      traffic: o.trafficMs,
      wall: o.wallMs,
      finished: o.finishedAt.getTime(),
      error: o.error ?? null,
      stopped: o.stoppedAtMs ?? null,
      run: runNo,
    },
  );
}

/** 2026-11-27T16:52:20.123Z → 20261127T165220Z */
function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}
