import { describe, expect, it } from 'vitest';
import { newcombeDiff, wilson, wilsonCc } from '../../src/stats/wilson.js';

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

describe('Wilson score interval', () => {
  // Newcombe, "Two-sided confidence intervals for the single proportion", Stat Med 1998;17:857–872,
  // Table II, method 3 (score, no continuity correction).
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i/%i → [%f, %f]', (x, n, lo, hi) => {
    const ci = wilson(x, n);
    expect(ci.p).toBe(x / n);
    expect([r4(ci.lo), r4(ci.hi)]).toEqual([lo, hi]);
  });

  it('stays inside [0, 1] at the boundaries and contains p', () => {
    expect(wilson(0, 5).lo).toBe(0);
    expect(wilson(5, 5).hi).toBe(1);
    for (const [x, n] of [[1, 1000], [999, 1000], [3, 7]] as const) {
      const ci = wilson(x, n);
      expect(ci.lo).toBeLessThanOrEqual(ci.p);
      expect(ci.hi).toBeGreaterThanOrEqual(ci.p);
    }
  });

  it('refuses impossible counts', () => {
    expect(() => wilson(3, 0)).toThrow(RangeError);
    expect(() => wilson(4, 3)).toThrow(RangeError);
    expect(() => wilson(1.5, 3)).toThrow(RangeError);
  });
});

describe("Newcombe's hybrid score interval for p₁ − p₂ (method 10)", () => {
  // Newcombe, "Interval estimation for the difference between independent proportions: comparison
  // of eleven methods", Stat Med 1998;17:873–890, Table II, method 10. Examples (a) and (b) are
  // also the values propint's test suite reproduces.
  it.each([
    ['(a)', 56, 70, 48, 80, 0.0524, 0.3339],
    ['(b)', 9, 10, 3, 10, 0.1705, 0.809],
    ['(d)', 5, 56, 0, 29, -0.0381, 0.1926],
    ['(e)', 0, 10, 0, 20, -0.1611, 0.2775],
    ['(f)', 0, 10, 0, 10, -0.2775, 0.2775],
    ['(g)', 10, 10, 0, 20, 0.6791, 1],
    ['(h)', 10, 10, 0, 10, 0.6075, 1],
  ])('%s %i/%i − %i/%i → [%f, %f]', (_, x1, n1, x2, n2, lo, hi) => {
    const d = newcombeDiff(x1, n1, x2, n2);
    expect(d.delta).toBeCloseTo(x1 / n1 - x2 / n2, 12);
    expect([r4(d.lo), r4(d.hi)]).toEqual([lo, hi]);
  });

  it('is antisymmetric: swapping the samples negates the interval', () => {
    const a = newcombeDiff(56, 70, 48, 80);
    const b = newcombeDiff(48, 80, 56, 70);
    expect(b.lo).toBeCloseTo(-a.hi, 12);
    expect(b.hi).toBeCloseTo(-a.lo, 12);
  });

  it('contains 0 for identical samples, and excludes it for 99.9% vs 95% over 2,000 requests', () => {
    const same = newcombeDiff(1890, 2000, 1890, 2000);
    expect(same.lo).toBeLessThan(0);
    expect(same.hi).toBeGreaterThan(0);
    const better = newcombeDiff(1998, 2000, 1900, 2000);
    expect(better.lo).toBeGreaterThan(0);
  });
});

describe('Wilson with continuity correction, and Newcombe below 10 requests a side (method 11)', () => {
  // Newcombe, "Two-sided confidence intervals for the single proportion", Table II, method 4.
  it.each([
    [81, 263, 0.2535, 0.3682],
    [15, 148, 0.0598, 0.1644],
    [0, 20, 0, 0.2005],
    [1, 29, 0.0018, 0.1963],
  ])('%i/%i → [%f, %f]', (x, n, lo, hi) => {
    const ci = wilsonCc(x, n);
    expect([r4(ci.lo), r4(ci.hi)]).toEqual([lo, hi]);
  });

  it('does not call 0 of 2 against 2 of 2 significant (Fisher\'s exact test: p = 1/6 one-sided, 1/3 two-sided)', () => {
    // continuity-corrected limits, by the formulas above: 2/2 → [0.1979, 1], 0/2 → [0, 0.8021];
    // L = 1 − √((1 − 0.1979)² + 0.8021²) = −0.1344 (method 10 gave +0.0700: a "loss" from 4 requests)
    const d = newcombeDiff(2, 2, 0, 2);
    expect(r4(d.lo)).toBe(-0.1344);
    expect(d.hi).toBe(1);
    // 5 of 5 against 0 of 5 is significant either way (Fisher: p = 0.008 two-sided): [0.2405, 1]
    expect(r4(newcombeDiff(5, 5, 0, 5).lo)).toBe(0.2405);
    // 9 a side uses the corrected limits (method 10 would give 0.5769, and [0.0957, 0.7804] for 7/9 − 2/9),
    // 10 a side the plain ones (example (h) of the table above)
    expect(r4(newcombeDiff(9, 9, 0, 9).lo)).toBe(0.4751);
    const mid = newcombeDiff(7, 9, 2, 9);
    expect([r4(mid.lo), r4(mid.hi)]).toEqual([0.024, 0.814]);
    expect(r4(newcombeDiff(10, 10, 0, 10).lo)).toBe(0.6075);
  });
});
