/**
 * History across run groups: how each strategy of a scenario did in its last N run groups (one
 * group per `routebench run` of the suite, or per CI run once shards are merged), with the commit
 * and time each group was run at. Every figure is computed here in SQL over the requests view.
 *
 * Runs accumulate in a results file (every `run` appends; `merge` adds the runs of other files or
 * exports), so a file merged from the base branch's results and this branch's holds its history.
 */
import type { Store } from './open-store.js';

export interface HistoryGroup {
  run_group: string;
  /** ISO 8601, UTC. */
  started_at: string;
  /** Distinct git commits of the group's runs, comma-separated (null when none was recorded). */
  commit: string | null;
}

export interface HistoryRow extends HistoryGroup {
  strategy: string;
  requests: number;
  success_rate: number;
  p95_latency_ms: number | null;
  cost_per_1k_usd: number | null;
}

/** The scenario's newest `limit` run groups, oldest first. */
export async function historyGroups(store: Store, scenario: string, limit: number): Promise<HistoryGroup[]> {
  return store.all<HistoryGroup>(
    `SELECT * FROM (
       SELECT run_group, strftime(min(started_at), '%Y-%m-%dT%H:%M:%SZ') AS started_at, string_agg(DISTINCT git_commit, ',' ORDER BY git_commit) AS commit
       FROM runs WHERE scenario = $s GROUP BY run_group ORDER BY min(started_at) DESC, run_group DESC LIMIT ${Math.max(1, Math.trunc(limit))})
     ORDER BY started_at, run_group`,
    { s: scenario },
  );
}

/** Success rate, p95 latency (successful requests) and cost per 1k successful requests per strategy and run group. */
export async function historyRows(store: Store, scenario: string, limit: number): Promise<HistoryRow[]> {
  const groups = await historyGroups(store, scenario, limit);
  if (groups.length === 0) return [];
  // Runs that saw all the traffic: one an abort_on_fail threshold stopped holds fewer requests than
  // the group's others (every strategy sees the same traffic), and its figures cover part of it.
  const runs = await store.all<{ run_no: number }>(
    `SELECT run_no FROM runs r WHERE scenario = $s AND status IN ('ok', 'thresholds_failed') AND list_contains($groups::VARCHAR[], run_group)
       AND requests = (SELECT max(o.requests) FROM runs o WHERE o.scenario = r.scenario AND o.run_group = r.run_group AND o.status IN ('ok', 'thresholds_failed'))`,
    { s: scenario, groups: JSON.stringify(groups.map((g) => g.run_group)) },
  );
  if (runs.length === 0) return [];
  const list = runs.map((r) => Math.trunc(r.run_no)).join(', ');
  const rows = await store.all<Omit<HistoryRow, keyof HistoryGroup> & { run_group: string }>(`
    SELECT r.run_group, r.strategy, count(*)::INTEGER AS requests, avg(q.success::INTEGER) AS success_rate,
      quantile_cont(q.latency_ms, 0.95) FILTER (WHERE q.success) AS p95_latency_ms,
      exact_sum(q.cost_usd) / nullif(count(*) FILTER (WHERE q.success), 0) * 1000 AS cost_per_1k_usd
    FROM requests q JOIN runs r ON r.run_no = q.run_no
    WHERE q.run_no IN (${list})
    GROUP BY r.run_group, r.strategy`);
  const byGroup = new Map(groups.map((g, i) => [g.run_group, { g, i }]));
  return rows
    .map((r) => ({ ...byGroup.get(r.run_group)!.g, ...r }))
    .sort((a, b) => byGroup.get(a.run_group)!.i - byGroup.get(b.run_group)!.i || a.strategy.localeCompare(b.strategy));
}
