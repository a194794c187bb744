/**
 * A difference exactly at the tolerance is within it. In floating point 0.89 − 0.90 is
 * −0.010000000000000009 and 1,357.95 is 10.000000000000004% over 1,234.5, so a success rate
 * exactly 1 pp off was "within noise" instead of "yes", and a p50 exactly 10% off failed the
 * backtest. The differences here are exact in decimal (hand-computed); just past the edge fails.
 */
import { describe, expect, it } from 'vitest';
import { fidelityRows } from '../../src/report/backtest.js';
import type { SideAggregates } from '../../src/store/backtest-queries.js';

const side = (o: Partial<SideAggregates>): SideAggregates => ({
  requests: 1000, successes: 900, streamed_successes: 900, failover_known: 1000, success_rate: 0.9, failover_rate: null,
  p50_latency_ms: 1000, p95_latency_ms: 3000, p50_ttft_ms: 400, p95_ttft_ms: 900, cost_per_1k_ok_usd: 1, ...o,
});
const tolerance = { successPp: 1, latencyPct: 10 };
const row = (rec: SideAggregates, sim: SideAggregates, metric: string) => fidelityRows(rec, sim, tolerance).find((r) => r.metric === metric)!;

describe('backtest tolerance edges', () => {
  it('a success rate exactly 1 pp off (900 and 890 of 1,000) is within tolerance, not "within noise"', () => {
    const r = row(side({}), side({ success_rate: 0.89, successes: 890 }), 'success rate');
    expect(r.difference).toBeCloseTo(-1, 12);
    expect([r.within, r.noise]).toEqual([true, undefined]);
  });

  it('50,000 and 49,000 of 100,000 is 1 pp too: within, not noise', () => {
    const n = { requests: 100_000, failover_known: 100_000 };
    const r = row(side({ ...n, success_rate: 0.5 }), side({ ...n, success_rate: 0.49 }), 'success rate');
    expect([r.within, r.noise]).toEqual([true, undefined]);
  });

  it.each([
    [1234.5, 1357.95],
    [0.5, 0.55],
    [1234.5, 1111.05],
  ])('a p50 latency of %f recorded and %f simulated (exactly 10% apart) is within tolerance', (a, b) => {
    const r = row(side({ p50_latency_ms: a }), side({ p50_latency_ms: b }), 'p50 latency (ms)');
    expect(Math.abs(r.difference!)).toBeCloseTo(10, 9);
    expect(r.within).toBe(true);
  });

  it('just past the edge is outside: 10.001%, and 1.1 pp with its 95% interval clear of 1 pp', () => {
    expect(row(side({ p95_ttft_ms: 1000 }), side({ p95_ttft_ms: 1100.01 }), 'p95 TTFT (ms)').within).toBe(false);
    // 1,000,000 calls a side: the 95% interval is about ±0.083 pp (1.96·√(2·0.9·0.1/10⁶)), so -1.1 pp stays clear of -1
    const n = { requests: 1_000_000, failover_known: 1_000_000 };
    const r = row(side({ ...n, success_rate: 0.9 }), side({ ...n, success_rate: 0.889 }), 'success rate');
    expect(r.difference).toBeCloseTo(-1.1, 9);
    expect([r.within, r.noise]).toEqual([false, undefined]);
  });
});
