/**
 * Finds the run groups a `routebench report` should (re)render, and rebuilds each one's report
 * request from the database alone (so merged shard files and Parquet exports render unchanged).
 */
import { inputError } from '../errors.js';
import { nearest } from '../scenario/suggest.js';
import type { Store } from '../store/open-store.js';
import { loadThresholdResults } from './thresholds.js';
import type { ReportRequest } from './write-report.js';

export interface GroupSelection {
  runGroups?: readonly string[];
  scenario?: string;
}

/** Selected run groups; default: the newest run group of every scenario. */
export async function selectRunGroups(store: Store, sel: GroupSelection): Promise<string[]> {
  const all = await store.all<{ run_group: string; scenario: string; started: string }>(
    `SELECT run_group, any_value(scenario) AS scenario, max(started_at)::VARCHAR AS started FROM runs GROUP BY run_group ORDER BY started, run_group`,
  );
  if (all.length === 0) throw inputError('NO_RUNS', `${store.file} holds no runs`, [], 'run a scenario first (routebench run), or point --db at a results file');
  if (sel.runGroups?.length) {
    const known = new Set(all.map((g) => g.run_group));
    for (const g of sel.runGroups)
      if (!known.has(g)) {
        const guess = nearest(g, known);
        throw inputError('NO_RUN_GROUP', `no run group "${g}" in ${store.file}${guess ? `; did you mean "${guess}"?` : ''}`, [], `known run groups: ${all.slice(-5).map((x) => x.run_group).join(', ')}`);
      }
    return [...sel.runGroups];
  }
  const scenarios = [...new Set(all.map((g) => g.scenario))];
  if (sel.scenario && !scenarios.includes(sel.scenario)) {
    const guess = nearest(sel.scenario, scenarios);
    throw inputError('NO_SCENARIO', `no runs of scenario "${sel.scenario}" in ${store.file}${guess ? `; did you mean "${guess}"?` : ''}`, [], `scenarios: ${scenarios.join(', ')}`);
  }
  const latest = new Map<string, string>();
  for (const g of all) if (!sel.scenario || g.scenario === sel.scenario) latest.set(g.scenario, g.run_group);
  return [...latest.values()];
}

/**
 * A run group's runs in the scenario's declared strategy order, so the first is the baseline
 * however the runs were sharded and merged; runs written before `strategy_index` existed keep run
 * order (after any that have it).
 */
export const DECLARED_ORDER = 'ORDER BY strategy_index NULLS LAST, run_no';

export async function reportRequestFor(store: Store, runGroup: string): Promise<ReportRequest> {
  const runs = await store.all<{ run_no: number; run_id: string; scenario: string; scenario_description: string | null; traffic: string | null; status: string; skipped: number | null }>(
    `SELECT run_no, run_id, scenario, scenario_description, traffic, status, skipped_rows AS skipped FROM runs WHERE run_group = $g ${DECLARED_ORDER}`,
    { g: runGroup },
  );
  const first = runs[0]!;
  return {
    scenario: first.scenario,
    description: first.scenario_description ?? undefined,
    runGroup,
    traffic: first.traffic ?? 'traffic',
    runs: await Promise.all(runs.map(async (r) => ({ runNo: r.run_no, runId: r.run_id, thresholds: await loadThresholdResults(store, r.run_no) }))),
    skippedRows: first.skipped ?? 0,
    interrupted: runs.some((r) => r.status === 'interrupted'),
    dbFile: store.file,
  };
}
