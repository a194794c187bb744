/**
 * The bookkeeping every run shares, whatever drives it (simulate or replay): the run record
 * created before any attempt, and at the end its dictionaries, status and thresholds.
 */
import { environmentFailure } from '../errors.js';
import { endOwnRunningRuns } from '../store/abandoned-runs.js';
import type { AttemptRows } from '../engine/attempt-rows.js';
import type { ScenarioPlan, StrategyPlan } from '../engine/plan-scenario.js';
import type { LoadedScenario } from '../scenario/load-scenario.js';
import type { Store } from '../store/open-store.js';
import { createRun, finishRun, type RunStatus } from '../store/run-records.js';
import { abortNote, evaluateThresholds, saveThresholdResults, type ThresholdResult } from '../report/thresholds.js';
import type { RunEnvironment } from './run-environment.js';

export interface RunResult {
  runNo: number;
  runId: string;
  strategy: string;
  status: RunStatus;
  requests: number;
  attemptRows: number;
  thresholds: ThresholdResult[];
  /** Traffic time at which an abort_on_fail threshold stopped this run. */
  abortedAtMs?: number;
}

export interface NewRun {
  loaded: LoadedScenario;
  plan: ScenarioPlan;
  strategy: StrategyPlan;
  runGroup: string;
  startedAt: Date;
  traffic: string;
  mode: 'simulate' | 'replay';
  transport: string;
  env: RunEnvironment;
  timeScale?: number;
}

export function createRunRecord(store: Store, n: NewRun): Promise<{ runNo: number; runId: string }> {
  const { plan, loaded, env } = n;
  return createRun(
    store,
    {
      runGroup: n.runGroup,
      scenario: plan.name,
      scenarioHash: loaded.hash,
      scenarioFile: loaded.file,
      scenarioDescription: loaded.scenario.description,
      traffic: n.traffic,
      strategy: n.strategy.label,
      strategyIndex: n.strategy.index,
      strategyUse: n.strategy.use,
      strategyOptions: n.strategy.options,
      mode: n.mode,
      transport: n.transport,
      seed: plan.seed,
      startedAt: n.startedAt,
      harnessVersion: env.harnessVersion,
      gitCommit: env.gitCommit,
      host: env.host,
      gateways: Object.fromEntries(plan.gateways.map((g) => [g.name, { billing: g.billing, added_latency_ms: g.addedLatencyMs ?? null, rate_limit: g.rateLimit ?? null }])),
      timeScale: n.timeScale,
    },
    plan.targets,
    plan.incidents,
  );
}

export interface EndedRun {
  runNo: number;
  runId: string;
  strategy: StrategyPlan;
  /** The run's row counts and dictionaries (an AttemptRows, or what a worker thread sent back). */
  rows: Pick<AttemptRows, 'requests' | 'rows'> & { dict: { [K in keyof AttemptRows['dict']]: Pick<AttemptRows['dict'][K], 'values'> } };
  /** The abort_on_fail threshold that stopped it, and when. */
  aborted?: ThresholdResult;
  abortedAtMs?: number;
}

/** Writes dictionaries and status; then (unless the run failed) evaluates thresholds. */
export async function concludeRun(
  store: Store,
  r: EndedRun,
  o: { failure?: unknown; interrupted: boolean; skippedRows: number; trafficMs: number; wallMs: number; finishedAt: Date; note?: string },
): Promise<RunResult> {
  let status: RunStatus = o.failure ? 'error' : o.interrupted ? 'interrupted' : 'ok';
  // A run an abort_on_fail threshold stopped saw the traffic up to the stop only: its traffic span
  // (which monthly costs scale by) ends there, and its note says so wherever its figures are shown.
  const stopNote = r.aborted ? abortNote(r.aborted, r.abortedAtMs ?? o.trafficMs) : undefined;
  await finishRun(
    store,
    r.runNo,
    { reasons: r.rows.dict.reasons.values, tagsets: r.rows.dict.tagsets.values, routes: r.rows.dict.routes.values },
    {
      status,
      requests: r.rows.requests,
      attemptRows: r.rows.rows,
      skippedRows: o.skippedRows,
      trafficMs: r.aborted ? (r.abortedAtMs ?? o.trafficMs) : o.trafficMs,
      wallMs: o.wallMs,
      finishedAt: o.finishedAt,
      error: o.failure ? failureNote(o.failure) : [o.note, stopNote].filter((x) => x !== undefined).join('; ') || undefined,
      stoppedAtMs: r.aborted ? (r.abortedAtMs ?? o.trafficMs) : undefined,
    },
  );
  const result: RunResult = { runNo: r.runNo, runId: r.runId, strategy: r.strategy.label, status, requests: r.rows.requests, attemptRows: r.rows.rows, thresholds: [], abortedAtMs: r.aborted ? r.abortedAtMs : undefined };
  if (o.failure) return result;
  result.thresholds = await evaluateThresholds(store, r.runNo, r.strategy.thresholds);
  if (r.aborted) {
    // The threshold that stopped the run is reported as it stood then.
    const stopped = r.aborted;
    const i = result.thresholds.findIndex((t) => t.metric === stopped.metric && t.threshold === stopped.threshold);
    if (i >= 0) result.thresholds[i] = { ...stopped, abortedAtMs: r.abortedAtMs };
  }
  await saveThresholdResults(store, r.runNo, result.thresholds);
  if (status === 'ok' && (r.aborted || result.thresholds.some((t) => !t.passed))) {
    status = 'thresholds_failed';
    result.status = status;
    await store.run(`UPDATE runs SET status = 'thresholds_failed' WHERE run_no = ${r.runNo}`);
  }
  return result;
}

/** The run group of one `routebench run` of one scenario. */
export function runGroupName(scenario: string, startedAt: Date, given?: string): string {
  return given ?? `${scenario}-${startedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
}

/**
 * After a failure (a full disk, a bug) or a second Ctrl-C: ends every run this process left
 * `running` as `error` or `interrupted`, with the reason. When the store itself is broken (DuckDB
 * invalidates a database after a failed write) the file is reopened for this one update; if even
 * that fails, the runs stay `running` and readers show them as `abandoned` (abandoned-runs.ts).
 * Never throws: the original failure is the one to report.
 */
export async function endUnfinishedRuns(store: Store, status: 'error' | 'interrupted', note: string, reopen?: () => Promise<Store>): Promise<number> {
  try {
    return await endOwnRunningRuns(store, status, note);
  } catch {
    if (!reopen) return 0;
  }
  store.close();
  try {
    const again = await reopen();
    try {
      return await endOwnRunningRuns(again, status, note);
    } finally {
      again.close();
    }
  } catch {
    return 0;
  }
}

/** The one-line reason stored in runs.error for a failure. */
export function failureNote(failure: unknown): string {
  const plain = environmentFailure(failure);
  if (plain) return plain.message;
  return failure instanceof Error ? failure.message.split('\n')[0]! : String(failure);
}
