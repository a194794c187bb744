/**
 * `report --seed` is the seed of every bootstrap interval on the scenario page: the comparisons
 * with the baseline strategy (their table, and the tie bands drawn from them) as well as the shift
 * plot. The comparisons ignored it and always drew with seed 1, so `report --seed 7` and
 * `compare --seed 7` gave different intervals for the same two runs. Oracle: `routebench compare`'s
 * own function with the same seed.
 */
import { describe, expect, it } from 'vitest';
import { runYaml, twoTargetYaml } from '../helpers/run-yaml.js';
import { compareToBaseline } from '../../src/report/baseline-comparisons.js';
import { compareRuns } from '../../src/report/compare-runs.js';

describe('the report\'s comparisons with the baseline', () => {
  it('use the report\'s bootstrap seed, as compare does', async () => {
    const { store, run } = await runYaml(twoTargetYaml({ count: 1500, strategies: '  single: { use: single, options: { target: a } }\n  fallback: { use: fallback, options: { targets: [a, b] } }' }));
    const runs = [{ runNo: run('single'), strategy: 'single' }, { runNo: run('fallback'), strategy: 'fallback' }];
    const p95 = (rows: { metric: string; ci: { lo: number; hi: number } | null }[]) => rows.find((r) => r.metric === 'p95_latency_ms')!.ci;
    const [seven] = await compareToBaseline(store, runs, 300, 'requests', 7);
    const direct7 = await compareRuns({ store, runNo: run('single') }, { store, runNo: run('fallback') }, { resamples: 300, seed: 7 });
    const direct1 = await compareRuns({ store, runNo: run('single') }, { store, runNo: run('fallback') }, { resamples: 300, seed: 1 });
    expect(p95(direct7)).not.toBeNull();
    expect(p95(direct7)).not.toEqual(p95(direct1)); // the seed matters at 300 resamples
    expect(seven!.rows).toEqual(direct7);
    const [one] = await compareToBaseline(store, runs, 300);
    expect(one!.rows).toEqual(direct1);
    store.close();
  });
});
