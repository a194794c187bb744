/** The backtest's rate difference: simulated minus recorded, in percentage points, with the comparison's Newcombe interval. */
import { describe, expect, it } from 'vitest';
import { backtestMarkdown, rateDifferencePp, type Backtest } from '../../src/report/backtest.js';
import { newcombeDiff } from '../../src/stats/wilson.js';

describe('backtest rate difference', () => {
  it.each([
    [947, 1085, 935, 1085],
    [9_990, 10_000, 9_970, 10_000],
    [0, 50, 3, 50],
    [120, 120, 117, 120],
  ])('%i/%i recorded vs %i/%i simulated', (xr, nr, xs, ns) => {
    const mine = rateDifferencePp(xr, nr, xs, ns);
    const ref = newcombeDiff(xs, ns, xr, nr);
    expect(mine.difference).toBeCloseTo(ref.delta * 100, 9);
    expect(mine.ci[0]).toBeCloseTo(ref.lo * 100, 6);
    expect(mine.ci[1]).toBeCloseTo(ref.hi * 100, 6);
  });
});

describe('backtest success over time', () => {
  const backtest = (overTime: Backtest['overTime']): Backtest => ({ rows: [], shares: [], overTime, bucketMs: 2000, tolerance: { successPp: 1, latencyPct: 10 }, pass: true, requests: { recorded: 100, simulated: 100 }, leftOut: { cacheHits: 0, clientClosed: 0, unobserved: 0 } });

  it('the largest gap is over buckets with 20+ recorded calls: |0.90 - 0.75| = 15.0 pp; a 12-call bucket 50 pp apart is left out', () => {
    const md = backtestMarkdown(backtest([{ t_ms: 0, recorded: 0.9, simulated: 0.75, n: 20 }, { t_ms: 2000, recorded: 1, simulated: 0.5, n: 12 }, { t_ms: 4000, recorded: 0.95, simulated: 0.9, n: 40 }]), 'deployed');
    expect(md).toContain('Success over time (2 s buckets with 20+ calls): the largest gap is 15.0 pp.');
  });

  it('with no bucket of 20+ calls it says there is nothing to compare, not "the largest gap is 0.0 pp"', () => {
    const md = backtestMarkdown(backtest([{ t_ms: 0, recorded: 1, simulated: 0.5, n: 12 }, { t_ms: 2000, recorded: 0.8, simulated: 0.9, n: 19 }]), 'deployed');
    expect(md).toContain('Success over time: no 2 s bucket holds 20+ recorded calls, too few to compare');
    expect(md).not.toMatch(/largest gap/);
  });
});
