/**
 * Which runs `routebench compare` pairs up: two run ids; two run groups (every strategy label the
 * two have in common); or, with --all, the newest run group of every scenario present on both
 * sides (how CI compares a pull request with its base branch).
 */
import { inputError } from '../errors.js';
import type { Store } from '../store/open-store.js';
import { findRun, type RunInfo } from './run-identity.js';

export interface RunPair {
  baseline: RunInfo;
  candidate: RunInfo;
}

async function groupRuns(store: Store, group: string): Promise<{ strategy: string; run_id: string }[]> {
  return store.all(`SELECT strategy, run_id FROM runs WHERE run_group = $g ORDER BY strategy_index NULLS LAST, run_no`, { g: group });
}

async function newestGroups(store: Store): Promise<Map<string, string>> {
  const rows = await store.all<{ scenario: string; run_group: string }>(
    `SELECT scenario, arg_max(run_group, started_at) AS run_group FROM runs GROUP BY scenario ORDER BY scenario`,
  );
  return new Map(rows.map((r) => [r.scenario, r.run_group]));
}

async function pairGroups(base: Store, baseGroup: string, cand: Store, candGroup: string): Promise<RunPair[]> {
  const b = await groupRuns(base, baseGroup);
  const c = new Map((await groupRuns(cand, candGroup)).map((r) => [r.strategy, r.run_id]));
  const pairs: RunPair[] = [];
  for (const r of b) {
    const other = c.get(r.strategy);
    if (other) pairs.push({ baseline: await findRun(base, r.run_id, 'baseline'), candidate: await findRun(cand, other, 'candidate') });
  }
  if (pairs.length === 0)
    throw inputError('NO_COMMON_STRATEGIES', `run groups "${baseGroup}" and "${candGroup}" have no strategy label in common`, [], 'compare run ids directly, or name the strategies the same in both scenarios');
  return pairs;
}

export async function resolvePairs(base: Store, cand: Store, refs: { baseline?: string; candidate?: string; all: boolean }): Promise<RunPair[]> {
  if (refs.all) {
    const b = await newestGroups(base);
    const c = await newestGroups(cand);
    const pairs: RunPair[] = [];
    for (const [scenario, group] of b) if (c.has(scenario)) pairs.push(...(await pairGroups(base, group, cand, c.get(scenario)!)));
    if (pairs.length === 0) throw inputError('NO_COMMON_SCENARIOS', `${base.file} and ${cand.file} have no scenario in common`, [], 'run the same scenarios on both sides');
    return pairs;
  }
  if (refs.baseline === undefined || refs.candidate === undefined)
    throw inputError('COMPARE_USAGE', 'give a baseline and a candidate (run ids or run groups), or --all', [], 'e.g. routebench compare <baseline-run> <candidate-run>');
  const isGroup = async (s: Store, g: string) => (await groupRuns(s, g)).length > 0;
  if ((await isGroup(base, refs.baseline)) && (await isGroup(cand, refs.candidate))) return pairGroups(base, refs.baseline, cand, refs.candidate);
  return [{ baseline: await findRun(base, refs.baseline, 'baseline'), candidate: await findRun(cand, refs.candidate, 'candidate') }];
}
