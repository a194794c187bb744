/** "What the cheapest gives up" never says "0% cheaper" for a strategy that is cheaper. */
import { describe, expect, it } from 'vitest';
import { givesUp } from '../../src/report/suite-answer.js';
import type { Verdict } from '../../src/report/verdict.js';

const entry = (strategy: string, success_rate: number, cost_usd: number) => ({ strategy, success_rate, requests: 1000, successes: success_rate * 1000, cost_usd, cost_per_1k_ok_usd: cost_usd / success_rate, failed: [] });
const verdict = (cheapestCost: number): Verdict => ({
  cost_basis: 'window',
  most_available: entry('fallback', 0.999, 10),
  tied_with_most_available: [],
  has_thresholds: false,
  cheapest_passing: null,
  cheapest: entry('single', 0.999, cheapestCost),
}) as unknown as Verdict;

describe('the saving of the cheapest strategy', () => {
  it('says "under 1%" for a saving that rounds to 0%, and the rounded percent from 0.5% up', () => {
    // $9.97 against $10 at the same success rate: 0.3% cheaper per success
    expect(givesUp(verdict(9.97))).toContain('under 1% cheaper per success');
    expect(givesUp(verdict(9.97))).not.toContain('0% cheaper');
    // $9.90: 1% cheaper
    expect(givesUp(verdict(9.9))).toContain(', 1% cheaper per success');
    // no saving: no claim
    expect(givesUp(verdict(10))).not.toContain('cheaper');
  });
});
