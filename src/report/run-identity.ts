/**
 * Which runs may be compared. A comparison is only honest between runs of the same scenario (same
 * name and the same scenario file content, `scenario_hash`): otherwise the traffic, targets or
 * incidents differ and every delta mixes the strategy's effect with the setup's. Refused with an
 * input error that names what differs, unless the caller says `allowDifferent`. Unknown run ids
 * get suggestions (the nearest id and the most recent runs); empty runs are refused.
 */
import { inputError } from '../errors.js';
import { nearest } from '../scenario/suggest.js';
import { stoppedByAbort } from './thresholds.js';
import type { Store } from '../store/open-store.js';
import { allRunIds, recentRunIds, runById, runByNo, type RunRecord } from '../store/comparison-queries.js';

export type Role = 'baseline' | 'candidate';

export interface RunInfo {
  runNo: number;
  runId: string;
  runGroup: string;
  scenario: string;
  scenarioHash: string;
  strategy: string;
  strategyUse: string;
  seed: number;
  status: string;
  /** An abort_on_fail threshold stopped it (status thresholds_failed): it covers part of the traffic. */
  stoppedEarly?: boolean;
  /** Where the run was read from (a DuckDB file, ':memory:' or an export folder). */
  source: string;
}

const toInfo = (r: RunRecord, store: Store): RunInfo => ({
  runNo: r.run_no,
  runId: r.run_id,
  runGroup: r.run_group,
  scenario: r.scenario,
  scenarioHash: r.scenario_hash,
  strategy: r.strategy,
  strategyUse: r.strategy_use,
  seed: r.seed,
  status: r.status,
  // The structured signal: runs.stopped_at_ms, written when an abort_on_fail threshold stops a run.
  // Runs written before that column have only their note to say so.
  stoppedEarly: r.status === 'thresholds_failed' && (r.stopped_at_ms !== null ? true : stoppedByAbort(r.error)),
  source: store.file,
});

/** Runs a query against `runs`, turning "no such table" into an input error about the file. */
async function onRuns<T>(store: Store, q: () => Promise<T>): Promise<T> {
  try {
    return await q();
  } catch (e) {
    if (/Table with name runs does not exist|Catalog Error/i.test((e as Error).message ?? ''))
      throw inputError('NOT_RESULTS', `${store.file} has no runs table: it is not a routebench results database`, [], 'point --db (or --baseline-db / --candidate-db) at a file written by `routebench run`, or at an exported folder');
    throw e;
  }
}

async function unknownRun(store: Store, role: Role, id: string): Promise<never> {
  const ids = await onRuns(store, () => allRunIds(store));
  if (ids.length === 0) throw inputError('RUN_UNKNOWN', `unknown ${role} run "${id}": ${store.file} holds no runs`, [], 'run `routebench run` first, or point at another results file');
  const guess = nearest(id, ids);
  const recent = await recentRunIds(store, 5);
  throw inputError(
    'RUN_UNKNOWN',
    `unknown ${role} run "${id}" in ${store.file}${guess ? `; did you mean "${guess}"?` : ''} (most recent: ${recent.join(', ')})`,
    [],
    'give a run_id from the `runs` table (or its run_no); `SELECT run_id FROM runs ORDER BY started_at DESC` lists them',
  );
}

/** A run by its run_id, or by its run_no written as digits. */
export async function findRun(store: Store, id: string, role: Role): Promise<RunInfo> {
  const trimmed = id.trim();
  const byId = await onRuns(store, () => runById(store, trimmed));
  if (byId) return toInfo(byId, store);
  if (/^\d+$/.test(trimmed)) {
    const byNo = await runByNo(store, Number(trimmed));
    if (byNo) return toInfo(byNo, store);
  }
  return unknownRun(store, role, trimmed);
}

/** A run by its run_no. */
export async function runInfo(store: Store, runNo: number, role: Role): Promise<RunInfo> {
  const r = await onRuns(store, () => runByNo(store, runNo));
  return r ? toInfo(r, store) : unknownRun(store, role, String(runNo));
}

/** Refuses runs of different scenarios, naming each difference, unless allowDifferent. */
export function checkSameScenario(base: RunInfo, cand: RunInfo, allowDifferent = false): void {
  if (allowDifferent) return;
  const diffs: string[] = [];
  if (base.scenario !== cand.scenario) diffs.push(`scenario name: baseline "${base.scenario}", candidate "${cand.scenario}"`);
  if (base.scenarioHash !== cand.scenarioHash)
    diffs.push(`scenario_hash (the scenario file's content): baseline ${base.scenarioHash.slice(0, 12)}…, candidate ${cand.scenarioHash.slice(0, 12)}…`);
  if (diffs.length === 0) return;
  throw inputError(
    'RUNS_NOT_COMPARABLE',
    `runs ${base.runId} and ${cand.runId} come from different scenarios; differs: ${diffs.join('; ')}`,
    [],
    'compare runs of one scenario (strategies of one run group, or re-runs of an unchanged scenario file); pass --allow-different (allowDifferent: true) to compare anyway',
  );
}

/** Refuses a run without requests: there is nothing to compare. */
export function checkNotEmpty(info: RunInfo, requests: number, role: Role): void {
  if (requests > 0) return;
  throw inputError(
    'RUN_EMPTY',
    `${role} run ${info.runId} has no requests (status ${info.status})`,
    [],
    info.status === 'running' || info.status === 'error' || info.status === 'interrupted'
      ? 'the run stopped before any request finished; compare a completed run'
      : 'compare a run that recorded requests',
  );
}
