/**
 * The fidelity table printed a difference to two decimals whatever the verdict: 10.001% against a
 * 10% tolerance read "+10.00 % | **no**", and an interval clear of a 1 pp tolerance read
 * "[-1.40, -1.00] | **no**", as if it reached it. A figure now gets more decimals when two would
 * round it onto or across the tolerance against the verdict. Expected strings by hand.
 */
import { describe, expect, it } from 'vitest';
import { backtestMarkdown, fidelityRows, type Backtest, type FidelityRow } from '../../src/report/backtest.js';
import { differenceText } from '../../src/report/backtest-markdown.js';
import type { SideAggregates } from '../../src/store/backtest-queries.js';

const pct = (difference: number, within: boolean | undefined, more: Partial<FidelityRow> = {}) => differenceText({ difference, unit: '%', within, ...more }, 10);
const pp = (difference: number, ci: [number, number], within: boolean, noise?: boolean) => differenceText({ difference, unit: 'pp', ci, within, ...(noise ? { noise } : {}) }, 1);

describe('a difference against a 10% tolerance', () => {
  it.each([
    [10.001, false, '+10.001 %'], // two decimals: +10.00, which is within 10
    [-10.001, false, '-10.001 %'],
    [10.004, false, '+10.004 %'],
    [10.0000001, false, '+10.0000001 %'],
    [10.006, false, '+10.01 %'], // two decimals already beyond 10
    [9.999, true, '+10.00 %'], // equal is within: no contradiction
    [10.000000000000004, true, '+10.00 %'], // within by the comparison's rounding allowance
    [-9.999, true, '-10.00 %'],
    [3.14159, true, '+3.14 %'],
    [25.5, false, '+25.50 %'],
  ])('%f (within: %s) prints %s', (d, within, text) => {
    expect(pct(d, within)).toBe(text);
  });

  it('a row that is not judged keeps two decimals', () => {
    expect(pct(10.001, undefined)).toBe('+10.00 %');
    expect(pct(10.001, undefined, { few: true })).toBe('+10.00 %');
  });
});

describe('a difference and its 95% interval against a 1 pp tolerance', () => {
  it('out of tolerance, the difference just past it: more decimals for both', () => {
    expect(pp(-1.004, [-1.0066, -1.0014], false)).toBe('-1.004 pp [-1.007, -1.001]');
  });
  it('out of tolerance, the interval clear of it by less than two decimals show', () => {
    expect(pp(-1.2, [-1.4, -1.0004], false)).toBe('-1.2000 pp [-1.4000, -1.0004]');
    expect(pp(1.2, [1.0004, 1.4], false)).toBe('+1.2000 pp [1.0004, 1.4000]');
  });
  it('within noise: the difference beyond the tolerance, the interval reaching into it', () => {
    expect(pp(-1.003, [-1.6, -0.9996], true, true)).toBe('-1.003 pp [-1.600, -1.000]');
  });
  it('within tolerance: two decimals', () => {
    expect(pp(0.999, [-0.5, 2.5], true)).toBe('+1.00 pp [-0.50, 2.50]');
    expect(pp(-1.3, [-1.5, -1.1], false)).toBe('-1.30 pp [-1.50, -1.10]');
  });
});

describe('in the fidelity table', () => {
  const side = (p50: number): SideAggregates => ({
    requests: 1000, successes: 900, streamed_successes: 900, failover_known: 1000, success_rate: 0.9, failover_rate: null,
    p50_latency_ms: p50, p95_latency_ms: 3000, p50_ttft_ms: 400, p95_ttft_ms: 900, cost_per_1k_ok_usd: 1,
  });
  const line = (simulated: number) => {
    const tolerance = { successPp: 1, latencyPct: 10 };
    const rows = fidelityRows(side(1000), side(simulated), tolerance);
    const b: Backtest = { rows, shares: [], overTime: [], bucketMs: 1000, tolerance, pass: rows.every((r) => r.within !== false), requests: { recorded: 1000, simulated: 1000 }, leftOut: { cacheHits: 0, clientClosed: 0, unobserved: 0 } };
    return backtestMarkdown(b, 'deployed').split('\n').find((l) => l.startsWith('| p50 latency'));
  };
  it('p50 1,100.01 ms against 1,000 ms (10.001%) is out, and says more than 10%', () => {
    expect(line(1100.01)).toBe('| p50 latency (ms) | 1,000 | 1,100 | +10.001 % | **no** |');
  });
  it('p50 1,099.99 ms against 1,000 ms (9.999%) is within, printed at 10.00%', () => {
    expect(line(1099.99)).toBe('| p50 latency (ms) | 1,000 | 1,100 | +10.00 % | yes |');
  });
});
