/**
 * "Best in column" only among strategies that keep enough requests: a single target that fails 9%
 * of requests is fastest and cheapest per success, and must not be shaded best for it. Data and
 * expected winners are written out by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eligibleForBest } from '../../src/report/best-in-column.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { costLatencyFront, winners } from '../../src/store/report-queries.js';
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
  });
  afterAll(() => store.close());

  // The summary's figures of three runs, worked out by hand from these requests (quantile_cont:
  // h = (n − 1)·p between the sorted values; cost per success = total / successes):
  // run 1: latencies 100, 110, 120 ms and one failure, TTFT 50, 1 attempt, $0.001 each: fails 1 in
  //        4 but is the fastest and cheapest per success ($0.004 / 3);
  // run 2: 300, 310, 320, 330 ms, TTFT 80, 2 attempts, $0.002 each; run 3: 200 … 230 ms, TTFT 90, 1 attempt, $0.003 each.
  const figures = (run_no: number, requests: number, successes: number, lat: [number, number, number], ttft: number, att: number, cost: number) => ({
    run_no,
    requests,
    successes,
    success_rate: successes / requests,
    p50_latency_ms: lat[0],
    p95_latency_ms: lat[1],
    p99_latency_ms: lat[2],
    p50_ttft_ms: ttft,
    mean_attempts: att,
    total_cost_usd: cost * requests,
    cost_per_1k_usd: ((cost * requests) / successes) * 1000,
  });
  const rows = [
    figures(1, 4, 3, [110, 119, 119.8], 50, 1, 0.001),
    figures(2, 4, 4, [315, 328.5, 329.7], 80, 2, 0.002),
    figures(3, 4, 4, [215, 228.5, 229.7], 90, 1, 0.003),
    // a run without requests takes no part
    { ...figures(4, 0, 0, [0, 0, 0], 0, 0, 0), success_rate: 0, p50_latency_ms: null, p95_latency_ms: null, p99_latency_ms: null, p50_ttft_ms: null, cost_per_1k_usd: null },
  ];

  it('picks each column best among the eligible runs only', async () => {
    const w = await winners(store, [2, 3], rows);
    const best = (col: keyof (typeof w)[number]) => w.filter((r) => r[col]).map((r) => r.run_no);
    expect(w.map((r) => r.run_no)).toEqual([1, 2, 3]);
    expect(best('p50')).toEqual([3]); // run 1 (110 ms) is faster but not eligible
    expect(best('p99')).toEqual([3]);
    expect(best('ttft')).toEqual([2]);
    expect(best('attempts')).toEqual([3]);
    expect(best('cost')).toEqual([2]); // $0.002 per success against run 1's $0.001333
    expect(best('success_rate')).toEqual([2, 3]);
  });

  it('with every run eligible, the dropping one wins latency as before', async () => {
    const w = await winners(store, [1, 2, 3], rows);
    expect(w.filter((r) => r.p50).map((r) => r.run_no)).toEqual([1]);
  });

  it('the cost front carries the figures through unchanged and marks the runs nobody beats', async () => {
    const front = await costLatencyFront(store, rows);
    // run 1: cheapest and fastest but least available; run 3: faster than run 2, which is cheaper per success
    expect(front).toEqual([
      { run_no: 1, p95_latency_ms: 119, cost_per_1k_usd: rows[0]!.cost_per_1k_usd, success_rate: 0.75, pareto: true },
      { run_no: 2, p95_latency_ms: 328.5, cost_per_1k_usd: rows[1]!.cost_per_1k_usd, success_rate: 1, pareto: true },
      { run_no: 3, p95_latency_ms: 228.5, cost_per_1k_usd: rows[2]!.cost_per_1k_usd, success_rate: 1, pareto: true },
    ]);
    // a run that is slower, dearer and less available than run 3 is off the front
    const worse = await costLatencyFront(store, [...rows, { ...figures(5, 4, 3, [230, 240, 250], 95, 1, 0.004) }]);
    expect(worse.find((r) => r.run_no === 5)?.pareto).toBe(false);
    expect(await costLatencyFront(store, [rows[3]!])).toEqual([]);
  });
});
