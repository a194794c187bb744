/**
 * The standard normal CDF every KS distance, fitted quantile and empirical-table draw goes through,
 * against values from a standard normal table (Φ to six places, e.g. Φ(1) = 0.841345) and the
 * identities Φ(−z) = 1 − Φ(z), Φ(z₀.₉₇₅ = 1.959964) = 0.975. Φ(1) was 0.870329: the erfc fit was
 * taken at |z| where its argument is |z|/√2, and every calibrate KS distance came out ~1.8× too large.
 */
import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile } from '../../src/stats/distributions.js';

describe('normalCdf', () => {
  it.each([
    [0, 0.5],
    [0.5, 0.691462],
    [1, 0.841345],
    [1.644854, 0.95],
    [1.959964, 0.975],
    [2.326348, 0.99],
    [3, 0.99865],
    [-1, 0.158655],
    [-2.575829, 0.005],
  ])('Φ(%f) = %f (table)', (z, p) => {
    expect(normalCdf(z)).toBeCloseTo(p, 6);
  });

  it('is symmetric: Φ(−z) = 1 − Φ(z)', () => {
    for (const z of [0.1, 0.7, 1.3, 2.2, 3.7]) expect(normalCdf(-z) + normalCdf(z)).toBeCloseTo(1, 9);
  });

  it('normalQuantile inverts it at the usual levels', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 4);
    expect(normalQuantile(0.99)).toBeCloseTo(2.326348, 4);
    expect(normalQuantile(0.25)).toBeCloseTo(-0.674490, 4);
  });
});
