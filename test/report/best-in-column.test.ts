/**
 * "Best in column" only among strategies that keep enough requests: a single target that fails 9%
 * of requests is fastest and cheapest per success, and must not be shaded best for it. Data and
 * expected winners are written out by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eligibleForBest } from '../../src/report/best-in-column.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { winners } from '../../src/store/report-queries.js';
import type { ThresholdResult } from '../../src/report/thresholds.js';

const row = (run_no: number, strategy: string, successes: number, requests = 1000) => ({ run_no, run_id: `r${run_no}`, strategy, requests, successes, success_rate: successes / requests });
const threshold = (passed: boolean): ThresholdResult => ({ metric: 'success_rate', threshold: '> 0.99', actual: null, passed, abortOnFail: false });

describe('eligibleForBest', () => {
  it('uses the success-rate threshold when the scenario declares one', () => {
    const rows = [row(1, 'single', 906), row(2, 'fallback', 999), row(3, 'hedge', 995)];
    const t = new Map([['r1', [threshold(false)]], ['r2', [threshold(true)]], ['r3', [threshold(true)]]]);
    const e = eligibleForBest(rows, t);
    expect(e.runNos).toEqual([2, 3]);
    expect(e.rule).toBe('that meet the success-rate threshold (> 0.99)');
  });

  it('leaves out a run that saw part of the traffic (an abort_on_fail stop on latency: 400 of 1000 requests, all answered)', () => {
    const rows = [row(1, 'single', 400, 400), row(2, 'fallback', 999), row(3, 'hedge', 998)];
    expect(eligibleForBest(rows, new Map()).runNos).toEqual([2, 3]);
  });

  it('judges a strategy without a threshold of its own by the most available (thresholds on some strategies only)', () => {
    const rows = [row(1, 'single', 906), row(2, 'fallback', 998), row(3, 'cheapest', 999), row(4, 'weighted', 926)];
    const e = eligibleForBest(rows, new Map([['r2', [threshold(true)]]]));
    expect(e.runNos).toEqual([2, 3]);
    expect(e.rule).toMatch(/^that meet the success-rate threshold \(> 0.99\), or, for strategies without one, whose success rate is not significantly below/);
  });

  it('otherwise keeps strategies not significantly below the most available', () => {
    // 906/1000 vs 999/1000: far apart; 998/1000 vs 999/1000: the 95% interval of the difference includes 0
    const e = eligibleForBest([row(1, 'single', 906), row(2, 'fallback', 999), row(3, 'hedge', 998)], new Map());
    expect(e.runNos).toEqual([2, 3]);
    expect(e.rule).toContain('not significantly below the most available (fallback, 99.90%');
  });
});

describe('winners', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore(':memory:');
    // run 1 fails 1 in 4 but is the fastest and cheapest per success; runs 2 and 3 succeed always.
    await store.run(`CREATE TEMP TABLE rq AS SELECT * FROM (VALUES
      (1, true, 100.0, 50.0, true, 1, 0.001), (1, true, 110.0, 50.0, true, 1, 0.001), (1, true, 120.0, 50.0, true, 1, 0.001), (1, false, NULL, NULL, true, 1, 0.001),
      (2, true, 300.0, 80.0, true, 2, 0.002), (2, true, 310.0, 80.0, true, 2, 0.002), (2, true, 320.0, 80.0, true, 2, 0.002), (2, true, 330.0, 80.0, true, 2, 0.002),
      (3, true, 200.0, 90.0, true, 1, 0.003), (3, true, 210.0, 90.0, true, 1, 0.003), (3, true, 220.0, 90.0, true, 1, 0.003), (3, true, 230.0, 90.0, true, 1, 0.003)
    ) t(run_no, success, latency_ms, ttft_ms, stream, attempts, cost_usd)`);
  });
  afterAll(() => store.close());

  it('picks each column best among the eligible runs only', async () => {
    const w = await winners(store, [2, 3]);
    const best = (col: keyof (typeof w)[number]) => w.filter((r) => r[col]).map((r) => r.run_no);
    expect(best('p50')).toEqual([3]); // run 1 (110 ms) is faster but not eligible
    expect(best('ttft')).toEqual([2]);
    expect(best('attempts')).toEqual([3]);
    expect(best('cost')).toEqual([2]); // $0.002 per success against run 1's $0.001333
    expect(best('success_rate')).toEqual([2, 3]);
  });

  it('with every run eligible, the dropping one wins latency as before', async () => {
    const w = await winners(store, [1, 2, 3]);
    expect(w.filter((r) => r.p50).map((r) => r.run_no)).toEqual([1]);
  });
});
