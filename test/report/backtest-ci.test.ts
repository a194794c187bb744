/** The backtest's rate difference: simulated minus recorded, in percentage points, with the comparison's Newcombe interval. */
import { describe, expect, it } from 'vitest';
import { rateDifferencePp } from '../../src/report/backtest.js';
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
