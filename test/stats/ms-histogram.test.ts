/**
 * MsHistogram against the exact type-7 quantile of the raw values (a second implementation, here):
 * within 0.5 ms below a minute, within 50 ms below an hour, exact on integer milliseconds.
 */
import { describe, expect, it } from 'vitest';
import { MsHistogram } from '../../src/stats/ms-histogram.js';
import { Rng } from '../../src/rng.js';

function exact(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

const QS = [0, 0.01, 0.1, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1];

describe('MsHistogram', () => {
  it('is null when empty and ignores non-finite values', () => {
    const h = new MsHistogram();
    expect(h.quantile(0.5)).toBeNull();
    h.add(Number.NaN);
    h.add(Number.POSITIVE_INFINITY);
    expect(h.count).toBe(0);
    expect(h.quantile(0.5)).toBeNull();
  });

  it('is exact on integer milliseconds', () => {
    const h = new MsHistogram();
    const xs = [5, 1, 3, 3, 9, 120, 44, 59_999];
    for (const x of xs) h.add(x);
    for (const q of QS) expect(h.quantile(q)).toBeCloseTo(exact(xs, q), 9);
  });

  it('within 0.5 ms of the exact quantiles below a minute (lognormal latencies)', () => {
    const rng = new Rng(7);
    const xs: number[] = [];
    const h = new MsHistogram();
    for (let i = 0; i < 20_000; i++) {
      // lognormal, median ~600 ms, a long right tail, capped below a minute
      const z = rng.normal();
      const x = Math.min(59_000, 600 * Math.exp(1.1 * z));
      xs.push(x);
      h.add(x);
    }
    for (const q of QS) expect(Math.abs(h.quantile(q)! - exact(xs, q))).toBeLessThanOrEqual(0.5 + 1e-9);
  });

  it('within 50 ms up to an hour, and to the second beyond', () => {
    const rng = new Rng(11);
    const xs: number[] = [];
    const h = new MsHistogram();
    for (let i = 0; i < 5_000; i++) {
      const x = 30_000 + rng.next() * 3_500_000; // 30 s .. ~59 min
      xs.push(x);
      h.add(x);
    }
    for (const q of QS) expect(Math.abs(h.quantile(q)! - exact(xs, q))).toBeLessThanOrEqual(50 + 1e-9);
    const long = new MsHistogram();
    for (const x of [3_700_200, 3_700_600, 7_200_000]) long.add(x);
    expect(long.quantile(0)).toBe(3_700_000);
    expect(long.quantile(0.5)).toBe(3_701_000);
    expect(long.quantile(1)).toBe(7_200_000);
  });

  it('memory does not grow with the number of values', () => {
    const h = new MsHistogram();
    for (let i = 0; i < 200_000; i++) h.add(i % 50_000);
    expect(h.count).toBe(200_000);
    // 4 copies of each of 0..49,999: the median of 0..49,999 repeated
    expect(h.quantile(0.5)).toBeCloseTo(exact(Array.from({ length: 50_000 }, (_, i) => i), 0.5), 6);
  });
});
