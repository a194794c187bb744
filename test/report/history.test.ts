/**
 * History across run groups: three runs of a scenario at three commits and times in one results
 * file. The per-group figures are checked against an independent computation in JavaScript from the
 * raw attempt rows (one attempt per request: a single target, no retries); the groups come back
 * oldest first with their commit and time, limited to the newest N; the trend chart marks a value
 * beyond the regression budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyGroups, historyRows } from '../../src/store/history-queries.js';
import { budgetLimit, historyTrendChart } from '../../src/report/charts/history-trend.js';
import { parseRegressionBudget } from '../../src/report/regression-budget.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { runYaml, testEnv, twoTargetYaml } from '../helpers/run-yaml.js';

let store: Store;
const yaml = (seed: number) => twoTargetYaml({ seed, count: 600, a: '{ profile: flaky }', strategies: '  single: { use: single, options: { target: a } }' });

beforeAll(async () => {
  store = await openStore(':memory:');
  for (const [i, commit] of ['c0ffee1', 'c0ffee2', 'c0ffee3'].entries())
    await runYaml(yaml(i + 1), { store, runGroup: `t-${i}`, env: { ...testEnv, gitCommit: `${commit}${'0'.repeat(33)}`, wallClock: () => new Date(Date.UTC(2026, 0, 1 + i, 12)) } });
}, 60_000);
afterAll(() => store.close());

/** quantile_cont by its definition: h = (n − 1)·p, interpolate between the order statistics around h. */
function quantileCont(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  return s[lo]! + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]!) - s[lo]!);
}

describe('history', () => {
  it('lists the newest N run groups oldest first, with commit and start time', async () => {
    expect(await historyGroups(store, 't', 10)).toEqual([
      { run_group: 't-0', started_at: '2026-01-01T12:00:00Z', commit: `c0ffee1${'0'.repeat(33)}` },
      { run_group: 't-1', started_at: '2026-01-02T12:00:00Z', commit: `c0ffee2${'0'.repeat(33)}` },
      { run_group: 't-2', started_at: '2026-01-03T12:00:00Z', commit: `c0ffee3${'0'.repeat(33)}` },
    ]);
    expect((await historyGroups(store, 't', 2)).map((g) => g.run_group)).toEqual(['t-1', 't-2']);
  });

  it('computes success, p95 and cost per 1k ok per run group like a hand computation from the attempts', async () => {
    const rows = await historyRows(store, 't', 10);
    expect(rows.map((r) => r.run_group)).toEqual(['t-0', 't-1', 't-2']);
    for (const r of rows) {
      const attempts = await store.all<{ request_no: number; outcome: string; scheduled_ms: number; end_ms: number; cost_usd: number }>(
        `SELECT a.request_no, a.outcome::VARCHAR AS outcome, a.scheduled_ms, a.end_ms, a.cost_usd FROM attempts a JOIN runs USING (run_no) WHERE run_group = $g`,
        { g: r.run_group },
      );
      const requests = new Map<number, typeof attempts>();
      for (const a of attempts) requests.set(a.request_no, [...(requests.get(a.request_no) ?? []), a]);
      const ok = [...requests.values()].map((as) => as.find((a) => a.outcome === 'ok')).filter((a) => a !== undefined);
      const cost = attempts.reduce((s, a) => s + a.cost_usd, 0);
      expect(r.requests).toBe(600);
      expect(r.success_rate).toBeCloseTo(ok.length / 600, 12);
      expect(r.success_rate).toBeLessThan(1); // the flaky profile fails some requests
      expect(r.p95_latency_ms!).toBeCloseTo(quantileCont(ok.map((a) => a.end_ms - a.scheduled_ms), 0.95), 6);
      expect(r.cost_per_1k_usd!).toBeCloseTo((cost / ok.length) * 1000, 9);
    }
  });

  it('leaves out a run an abort_on_fail threshold stopped (it saw part of the traffic)', async () => {
    const own = await openStore(':memory:');
    const strategies = `  single:
    use: single
    options: { target: a }
    thresholds:
      success_rate: [{ threshold: '> 0.9', abort_on_fail: true, delay_abort_eval: 1m }]
  fallback: { use: fallback, options: { targets: [a, b] } }`;
    const ran = await runYaml(twoTargetYaml({ rate: 100, count: 40_000, a: '{ profile: perfect }', incidents: '[{ kind: outage, targets: [a], start: 1m, duration: 1h }]', strategies }), { store: own, runGroup: 'g-0' });
    expect(ran.result.runs.map((r) => [r.strategy, r.requests < 40_000])).toEqual([['single', true], ['fallback', false]]);
    const rows = await historyRows(own, 't', 10);
    expect(rows.map((r) => [r.strategy, r.requests])).toEqual([['fallback', 40_000]]);
    own.close();
  }, 60_000);

  it('draws the budget after each run group and rings the values beyond it', async () => {
    const budget = parseRegressionBudget(['success_rate=0.1pp', 'p95_latency_ms=5%', 'cost=2%']);
    expect(budgetLimit(0.99, 'success_rate', budget)).toBeCloseTo(0.989, 12);
    expect(budgetLimit(1000, 'p95_latency_ms', budget)).toBeCloseTo(1050, 12);
    expect(budgetLimit(2, 'cost_per_1k_usd', budget)).toBeCloseTo(2.04, 12);
    expect(budgetLimit(2, 'cost_per_1k_usd', [])).toBeNull();
    const rows = await historyRows(store, 't', 10);
    const spec = historyTrendChart(rows, ['single'], budget) as unknown as { vconcat: { layer: { data: { values: { over?: boolean; limit?: number; value?: number }[] } }[] }[] };
    for (const [i, panel] of spec.vconcat.entries()) {
      const metric = (['success_rate', 'p95_latency_ms', 'cost_per_1k_usd'] as const)[i]!;
      const limits = panel.layer[1]!.data.values;
      expect(limits).toHaveLength(2); // after group 1 and after group 2
      const rings = panel.layer[2]!.data.values;
      const expected = [1, 2].filter((k) => {
        const limit = budgetLimit(rows[k - 1]![metric]!, metric, budget)!;
        return metric === 'success_rate' ? rows[k]![metric]! < limit : rows[k]![metric]! > limit;
      });
      expect(rings.map((r) => r.value)).toEqual(expected.map((k) => rows[k]![metric]));
    }
  });
});
