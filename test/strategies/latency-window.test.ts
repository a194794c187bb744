import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/rng.js';
import { LatencyWindow } from '../../src/strategies/latency-window.js';

/** The reference: sort the last `capacity` samples and interpolate. */
function naiveQuantile(samples: number[], capacity: number, q: number): number {
  const s = samples.slice(-capacity).sort((a, b) => a - b);
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

describe('LatencyWindow', () => {
  it('is empty until the first sample', () => {
    const w = new LatencyWindow(8);
    expect(w.size).toBe(0);
    expect(w.quantile(0.5)).toBeNaN();
  });

  it('matches a sorted copy of the newest samples after every add, through eviction and ties', () => {
    const rng = new Rng(3);
    const capacity = 16;
    const w = new LatencyWindow(capacity);
    const all: number[] = [];
    for (let i = 0; i < 500; i++) {
      // Integers from a small range give many ties, the case where eviction must remove one copy only.
      const x = i % 7 === 0 ? 40 : rng.int(60);
      w.add(x);
      all.push(x);
      expect(w.size).toBe(Math.min(all.length, capacity));
      for (const q of [0, 0.1, 0.5, 0.9, 0.95, 1]) expect(w.quantile(q), `after ${i + 1} samples, q=${q}`).toBeCloseTo(naiveQuantile(all, capacity, q), 9);
    }
  });

  it('forgets samples older than its capacity', () => {
    const w = new LatencyWindow(4);
    for (const x of [1000, 1000, 1000, 1000, 1, 2, 3, 4]) w.add(x);
    expect(w.quantile(1)).toBe(4);
    expect(w.quantile(0)).toBe(1);
  });
});
