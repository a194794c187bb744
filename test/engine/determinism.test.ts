import { describe, expect, it } from 'vitest';
import { attemptHash, runYaml, twoTargetYaml } from '../helpers/run-yaml.js';

const strategies = `
  single: { use: single, options: { target: a } }
  fallback: { use: fallback, options: { targets: [a, b] } }
  hedge: { use: hedge, options: { targets: [a, b], after_ms: 800 } }
  retry: { use: retry, options: { inner: { use: weighted, options: { targets: [{ target: a }, { target: b }] } } } }
`;
const flaky = '{ profile: flaky, rate_limit: { rpm: 600 } }';

describe('simulate determinism', () => {
  it('same scenario and seed give identical attempt rows (hash)', async () => {
    const yaml = twoTargetYaml({ a: flaky, strategies });
    const one = await runYaml(yaml);
    const two = await runYaml(yaml);
    for (const label of ['single', 'fallback', 'hedge', 'retry']) {
      expect(await attemptHash(one.store, one.run(label))).toBe(await attemptHash(two.store, two.run(label)));
    }
    one.store.close();
    two.store.close();
  });

  it('a different seed gives different rows', async () => {
    const one = await runYaml(twoTargetYaml({ a: flaky, strategies, seed: 1 }));
    const two = await runYaml(twoTargetYaml({ a: flaky, strategies, seed: 2 }));
    expect(await attemptHash(one.store, one.run('fallback'))).not.toBe(await attemptHash(two.store, two.run('fallback')));
    one.store.close();
    two.store.close();
  });

  it('every strategy sees identical traffic', async () => {
    const { store } = await runYaml(twoTargetYaml({ a: flaky, strategies }));
    const rows = await store.all<{ n: number; distinct_schedules: number }>(`
      SELECT count(*)::INTEGER AS n, count(DISTINCT sig)::INTEGER AS distinct_schedules FROM (
        SELECT run_no, md5(string_agg(concat_ws(',', request_no, scheduled_ms, tagset_no, stream), '|' ORDER BY request_no)) AS sig
        FROM requests GROUP BY run_no)`);
    expect(rows[0]).toEqual({ n: 4, distinct_schedules: 1 });
    store.close();
  });

  it('changing one strategy does not change what another one sees', async () => {
    const base = `  fallback: { use: fallback, options: { targets: [a, b] } }\n`;
    const one = await runYaml(twoTargetYaml({ a: flaky, strategies: base + `  other: { use: single, options: { target: b } }\n` }));
    const two = await runYaml(twoTargetYaml({ a: flaky, strategies: `  zzz: { use: p2c }\n` + base }));
    expect(await attemptHash(one.store, one.run('fallback'))).toBe(await attemptHash(two.store, two.run('fallback')));
    one.store.close();
    two.store.close();
  });

  it('the same request to the same target meets the same luck in every strategy (common random numbers)', async () => {
    const { store, run } = await runYaml(twoTargetYaml({ a: '{ profile: flaky }', strategies }));
    const [row] = await store.all<{ differing: number; compared: number }>(`
      WITH first AS (SELECT run_no, request_no, outcome, error_kind, end_ms - sent_ms AS d FROM attempts WHERE attempt_no = 0 AND target_no = 0)
      SELECT count(*) FILTER (WHERE s.outcome <> f.outcome OR s.d <> f.d)::INTEGER AS differing, count(*)::INTEGER AS compared
      FROM first s JOIN first f ON s.request_no = f.request_no AND s.run_no = ${run('single')} AND f.run_no = ${run('fallback')}`);
    expect(row!.compared).toBe(2000);
    expect(row!.differing).toBe(0);
    store.close();
  });
});
