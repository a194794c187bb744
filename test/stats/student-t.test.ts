/**
 * Student's t (the Welch interval on mean attempts and the total-cost interval use it): quantiles
 * against a printed t table, and the CDF at fractional degrees of freedom (Welch's ν usually is
 * fractional) against a second implementation written here: Simpson's rule over the density, with
 * its normalising constant from Γ by Stirling's series (not the Lanczos fit the code uses).
 */
import { describe, expect, it } from 'vitest';
import { satterthwaiteDf, studentTCdf, studentTQuantile } from '../../src/stats/student-t.js';

/** ln Γ(x) by Stirling's series after shifting x above 10 (independent of the Lanczos fit). */
function lnGammaStirling(x: number): number {
  let shift = 0;
  while (x < 10) {
    shift += Math.log(x);
    x += 1;
  }
  const x2 = x * x;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x * x2) + 1 / (1260 * x2 * x2 * x) - shift;
}

/** F(t; ν) = ½ + ∫₀ᵗ density, by composite Simpson with 20,000 panels. */
function cdfBySimpson(t: number, df: number): number {
  const c = Math.exp(lnGammaStirling((df + 1) / 2) - lnGammaStirling(df / 2)) / Math.sqrt(df * Math.PI);
  const f = (u: number) => c * Math.pow(1 + (u * u) / df, -(df + 1) / 2);
  const n = 20_000;
  const h = t / n;
  let sum = f(0) + f(t);
  for (let i = 1; i < n; i++) sum += (i % 2 === 1 ? 4 : 2) * f(i * h);
  return 0.5 + (sum * h) / 3;
}

describe('Student t', () => {
  // two-sided 95% (t₀.₉₇₅) from a printed table
  it.each([
    [1, 12.706],
    [2, 4.303],
    [3, 3.182],
    [4, 2.776],
    [5, 2.571],
    [8, 2.306],
    [10, 2.228],
    [19, 2.093],
    [30, 2.042],
    [60, 2.0],
    [120, 1.98],
    [Infinity, 1.96],
  ])('t₀.₉₇₅(%s) = %s', (df, t) => {
    expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 3 - Math.max(0, Math.ceil(Math.log10(t)) - 1));
    expect(studentTQuantile(0.025, df)).toBeCloseTo(-t, 2);
  });

  it('the CDF at fractional degrees of freedom agrees with a numerical integration of the density', () => {
    for (const df of [1.5, 2.3, 7.5, 19.4, 132.37])
      for (const t of [0.1, 0.7, 1.5, 2.2, 4]) expect(Math.abs(studentTCdf(t, df) - cdfBySimpson(t, df))).toBeLessThan(1e-9);
    // the quantile inverts it
    for (const df of [1.5, 7.5, 132.37]) expect(cdfBySimpson(studentTQuantile(0.975, df), df)).toBeCloseTo(0.975, 9);
    // ν = 1 is Cauchy: F(t) = ½ + atan(t)/π
    expect(studentTCdf(2, 1)).toBeCloseTo(0.5 + Math.atan(2) / Math.PI, 12);
    expect(studentTCdf(-2, 1)).toBeCloseTo(0.5 - Math.atan(2) / Math.PI, 12);
  });

  it('Welch–Satterthwaite degrees of freedom (hand-computed), and no NaN without spread', () => {
    // equal terms on 4 df each: (a + a)² / (a²/4 + a²/4) = 8
    expect(satterthwaiteDf([{ value: 0.5, df: 4 }, { value: 0.5, df: 4 }])).toBeCloseTo(8, 12);
    // one term dominating: ν tends to that term's df
    expect(satterthwaiteDf([{ value: 1, df: 9 }, { value: 1e-9, df: 99 }])).toBeCloseTo(9, 6);
    expect(satterthwaiteDf([{ value: 0, df: 4 }, { value: 0, df: 4 }])).toBe(Infinity);
    expect(studentTQuantile(0.975, Infinity)).toBeCloseTo(1.959964, 5);
  });
});
