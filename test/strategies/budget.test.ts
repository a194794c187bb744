import { describe, expect, it } from 'vitest';
import { budgetEvents } from '../../src/store/report-queries.js';
import { periodKey } from '../../src/strategies/budget-ledger.js';
import { runYaml } from '../helpers/run-yaml.js';
import { describeStrategy } from './strategy.case.js';

describeStrategy('budget', (ids) => ({
  inner: { use: 'fallback', options: { targets: ids } },
  budgets: [{ name: 'all', scope: 'all', limit_usd: 0.5, period: 'daily', action: 'downgrade', downgrade_to: [ids[1]!] }],
}));

/** 10 requests/s, 1,000 in + 100 out tokens each at $1/$1 per 1M: $0.0011 per request, $0.011 per second. */
const scenario = (budgets: string, hours = '1h') => `
name: budgets
seed: 2
traffic:
  synthetic:
    arrival: { process: constant, rate_per_s: 10 }
    duration: ${hours}
    input_tokens: { dist: constant, value: 1000 }
    output_tokens: { dist: constant, value: 100 }
    tags: { project: { web: 1, batch: 1 } }
targets:
  premium: { provider: x, model: m1, price: { input: 1, output: 1 }, mock: { profile: perfect } }
  cheap: { provider: y, model: m2, price: { input: 0.1, output: 0.1 }, mock: { profile: perfect } }
strategies:
  governed:
    use: budget
    options:
      inner: premium
      calendar_start: '2026-11-02T23:00:00Z'
      budgets:
${budgets}`;

describe('budget', () => {
  it('blocks a project at its daily limit and lets it through again after midnight UTC', async () => {
    // the run starts at 23:00; web spends $0.0055/s, so its $5 daily budget runs out after ~909 s
    const { store, run } = await runYaml(scenario("        - { name: web-daily, scope: { tag: project, value: web }, limit_usd: 5, period: daily, action: block }", '2h'));
    const rows = await store.all<{ hour: number; blocked: number; first_blocked_s: number; batch_blocked: number }>(`
      SELECT floor(scheduled_ms / 3600000)::INTEGER AS hour,
        count(*) FILTER (WHERE NOT success AND json_extract_string(ts.tags, '$.project') = 'web')::INTEGER AS blocked,
        min(scheduled_ms % 3600000) FILTER (WHERE NOT success) / 1000 AS first_blocked_s,
        count(*) FILTER (WHERE NOT success AND json_extract_string(ts.tags, '$.project') = 'batch')::INTEGER AS batch_blocked
      FROM requests r JOIN tagsets ts USING (run_no, tagset_no) WHERE run_no = ${run('governed')} GROUP BY hour ORDER BY hour`);
    // each hour is a UTC day here (23:00-24:00, then 00:00-01:00): at ~5 web requests/s (a seeded
    // 50/50 tag draw) $5 lasts about 5 / 0.0055 ≈ 909 s, then web is blocked until midnight
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r.first_blocked_s).toBeGreaterThan(880);
      expect(r.first_blocked_s).toBeLessThan(940);
      expect(r.blocked).toBeGreaterThan(13_200);
      expect(r.blocked).toBeLessThan(13_700);
      expect(r.batch_blocked).toBe(0);
    }
    const [spent] = await store.all<{ usd: number }>(`
      SELECT exact_sum(a.cost_usd) AS usd FROM attempts a JOIN tagsets ts USING (run_no, tagset_no)
      WHERE a.run_no = ${run('governed')} AND json_extract_string(ts.tags, '$.project') = 'web' AND a.end_ms < 3600000`);
    expect(spent!.usd).toBeGreaterThanOrEqual(5);
    expect(spent!.usd).toBeLessThan(5.01);
    const reasons = await store.all<{ reason: string }>(`SELECT DISTINCT reason FROM attempt_log WHERE run_no = ${run('governed')} AND outcome = 'gave_up'`);
    expect(reasons).toEqual([{ reason: 'budget: web-daily at its limit ($5 daily); blocked' }]);
    // the report's counts: every failed request was blocked by the budget, none downgraded
    const [events] = await budgetEvents(store, [run('governed')]);
    const [failed] = await store.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM requests WHERE run_no = ${run('governed')} AND NOT success`);
    expect(events).toEqual({ run_no: run('governed'), blocked: failed!.n, downgraded: 0 });
    store.close();
  });

  it('downgrades to cheaper targets at the limit instead of blocking', async () => {
    const { store, run } = await runYaml(scenario("        - { name: all, scope: all, limit_usd: 2, period: total, action: downgrade, downgrade_to: [cheap] }"));
    const rows = await store.all<{ target: string; first: number; n: number }>(
      `SELECT target, min(sent_ms) AS first, count(*)::INTEGER AS n FROM attempt_log WHERE run_no = ${run('governed')} GROUP BY target ORDER BY first`,
    );
    expect(rows.map((r) => r.target)).toEqual(['premium', 'cheap']);
    // $2 at $0.011/s: premium until about 182 s
    expect(rows[1]!.first).toBeGreaterThan(180_000);
    expect(rows[1]!.first).toBeLessThan(185_000);
    const [ok] = await store.all<{ s: number }>(`SELECT avg(success::INTEGER) AS s FROM requests WHERE run_no = ${run('governed')}`);
    expect(ok!.s).toBe(1);
    const [events] = await budgetEvents(store, [run('governed')]);
    expect(events).toEqual({ run_no: run('governed'), blocked: 0, downgraded: rows[1]!.n });
    store.close();
  });

  it('alert budgets only annotate decisions, once per warning level', async () => {
    const { store, run } = await runYaml(scenario("        - { name: watch, scope: all, limit_usd: 10, period: total, action: alert, warn_at: [0.5, 0.9] }"));
    const notes = await store.all<{ reason: string }>(`SELECT reason FROM attempt_log WHERE run_no = ${run('governed')} AND reason LIKE 'budget: watch%' ORDER BY sent_ms`);
    expect(notes.map((n) => n.reason)).toEqual([
      'budget: watch passed 50% of $10 total; budget: premium',
      'budget: watch passed 90% of $10 total; budget: premium',
      'budget: watch reached its limit of $10 total; budget: premium',
    ]);
    store.close();
  });

  it('periods follow the UTC calendar: weeks start on Monday, months on the 1st', () => {
    const sunday = Date.parse('2026-11-01T23:59:59Z');
    const monday = Date.parse('2026-11-02T00:00:00Z');
    expect(periodKey('weekly', monday)).toBe(periodKey('weekly', sunday) + 1);
    expect(periodKey('weekly', Date.parse('2026-11-08T23:59:59Z'))).toBe(periodKey('weekly', monday));
    expect(periodKey('monthly', Date.parse('2026-11-30T23:59:59Z')) + 1).toBe(periodKey('monthly', Date.parse('2026-12-01T00:00:00Z')));
    expect(periodKey('daily', Date.parse('2026-11-02T23:59:59.999Z')) + 1).toBe(periodKey('daily', Date.parse('2026-11-03T00:00:00Z')));
  });
});
