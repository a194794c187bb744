import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/rng.js';
import { ratioDiff, ratioValue, ratioVariance, spreadFloor, sumDiff, welchDiff, type RatioAggregate } from '../../src/report/stats/mean-ci.js';
import { containsZero, relativePct, sortedQuantile, verdict, Z95 } from '../../src/report/stats/verdict.js';

/** count, mean, sample variance and covariance, as the SQL aggregates give them (test-side only). */
function aggregates(num: number[], den: number[]): RatioAggregate {
  const n = num.length;
  const mn = num.reduce((a, b) => a + b, 0) / n;
  const md = den.reduce((a, b) => a + b, 0) / n;
  let vn = 0;
  let vd = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    vn += (num[i]! - mn) ** 2;
    vd += (den[i]! - md) ** 2;
    c += (num[i]! - mn) * (den[i]! - md);
  }
  return { n, meanNum: mn, meanDen: md, varNum: vn / (n - 1), varDen: vd / (n - 1), covNumDen: c / (n - 1) };
}

describe('Welch and sum intervals', () => {
  it('computes Welch: Δ ± t(ν)·√(s₁²/n₁ + s₂²/n₂), ν by Welch–Satterthwaite', () => {
    const ci = welchDiff({ n: 100, mean: 1.2, variance: 0.25 }, { n: 400, mean: 1.1, variance: 0.16 })!;
    const se = Math.sqrt(0.25 / 100 + 0.16 / 400);
    // ν = 0.0029² / (0.0025²/99 + 0.0004²/399) = 132.37; t₀.₉₇₅(132.37) = 1.978 (between the
    // tables' 1.9799 at 120 and 1.9759 at 150): wider than z's 1.9600 by 0.9%
    const half = ci.hi - ci.delta;
    expect(ci.delta).toBeCloseTo(-0.1, 12);
    expect(half / se).toBeGreaterThan(1.9759);
    expect(half / se).toBeLessThan(1.9799);
    expect(ci.delta - ci.lo).toBeCloseTo(half, 12);
  });

  it('uses Student t, not z, for a small compare (5 requests a side; hand-computed)', () => {
    // base attempts 1,2,3,4,5 and candidate 2,3,4,5,6: means 3 and 4, both s² = 2.5, so
    // se = √(2.5/5 + 2.5/5) = 1 and ν = (0.5 + 0.5)² / (0.5²/4 + 0.5²/4) = 8, t₀.₉₇₅(8) = 2.306
    // (tables). The normal interval [−0.96, 2.96] would call a difference this size nearly
    // significant; the t interval is [−1.306, 3.306].
    const ci = welchDiff({ n: 5, mean: 3, variance: 2.5, step: 1 }, { n: 5, mean: 4, variance: 2.5, step: 1 })!;
    expect(ci.delta).toBe(1);
    expect(ci.lo).toBeCloseTo(1 - 2.306, 3);
    expect(ci.hi).toBeCloseTo(1 + 2.306, 3);
    // two requests a side: ν = 2 at equal spread, t₀.₉₇₅(2) = 4.303
    const two = welchDiff({ n: 2, mean: 1, variance: 2 }, { n: 2, mean: 2, variance: 2 })!;
    expect(two.hi - two.delta).toBeCloseTo(4.303 * Math.sqrt(2), 2);
  });

  it('does not take a run whose requests all took the same attempts as certain (hand-computed floors)', () => {
    // 2 requests a side, 1 and 1 attempts against 2 and 2: both sample variances are 0, and the old
    // interval was [1, 1], a "certain" loss. With none of 2 departing, Wilson's upper bound on the
    // departing share is z²/(2 + z²) = 0.658 > ½, so the floor is ½·½·1² = 0.25 a side:
    // se = √(0.25/2 + 0.25/2) = 0.5, ν = (0.125 + 0.125)² / (0.125²/1 + 0.125²/1) = 2,
    // t₀.₉₇₅(2) = 4.302653 (scipy): 1 ± 2.151326, a tie.
    const two = welchDiff({ n: 2, mean: 1, variance: 0, step: 1 }, { n: 2, mean: 2, variance: 0, step: 1 })!;
    expect(two.delta).toBe(1);
    expect(two.lo).toBeCloseTo(1 - 2.151326, 5);
    expect(two.hi).toBeCloseTo(1 + 2.151326, 5);
    expect(verdict(two, 'lower', 2)).toBe('tie');
    // 3 a side, all 1: floor 0.25 again (z²/(3 + z²) = 0.56 > ½), se = √(2·0.25/3) = 0.408248, ν = 4,
    // t₀.₉₇₅(4) = 2.776445: ±1.133479
    const three = welchDiff({ n: 3, mean: 1, variance: 0, step: 1 }, { n: 3, mean: 1, variance: 0, step: 1 })!;
    expect(three.hi).toBeCloseTo(1.133479, 5);
    expect(three.lo).toBeCloseTo(-1.133479, 5);
    // 1,000 a side, all 1: q = z²/(1000 + z²) = 0.0038268, floor q(1 − q) = 0.0038121,
    // se = √(2·0.0038121/1000) = 0.0027612, ν = 1998, t = 1.961152: ±0.0054151
    const many = welchDiff({ n: 1000, mean: 1, variance: 0, step: 1 }, { n: 1000, mean: 1, variance: 0, step: 1 })!;
    expect(many.hi).toBeCloseTo(0.0054151, 6);
    expect(spreadFloor(1000, 1)).toBeCloseTo(0.0038121144, 9);
    expect(spreadFloor(2, 3)).toBeCloseTo(0.25 * 9, 12);
    // a sample that varies more than the floor keeps its own variance (the 2-a-side case above)
    expect(welchDiff({ n: 2, mean: 1, variance: 2, step: 1 }, { n: 2, mean: 2, variance: 2, step: 1 })).toEqual(
      welchDiff({ n: 2, mean: 1, variance: 2 }, { n: 2, mean: 2, variance: 2 }),
    );
  });

  it('floors a total the same way, with the mean as the step (a request that cost nothing)', () => {
    // 2 requests a side costing 0.001 each against 0.002 each: floors 0.25·0.001² and 0.25·0.002²,
    // terms n·floor = 5e-7 and 2e-6, se = √2.5e-6 = 0.00158114, ν = 2.5e-6² / (5e-7²/1 + 2e-6²/1) = 1.470588,
    // t₀.₉₇₅(1.470588) = 6.188115 (scipy): ΔT = 0.002 ± 0.0097843, a tie (the old interval was [0.002, 0.002])
    const ci = sumDiff({ n: 2, mean: 0.001, variance: 0 }, { n: 2, mean: 0.002, variance: 0 })!;
    expect(ci.delta).toBeCloseTo(0.002, 15);
    expect(ci.hi - ci.delta).toBeCloseTo(0.0097843, 6);
    expect(verdict(ci, 'lower', 0.004)).toBe('tie');
  });

  it('computes totals: ΔT ± t(ν)·√(n₁s₁² + n₂s₂²), and needs two values a side', () => {
    const ci = sumDiff({ n: 100, mean: 2, variance: 1 }, { n: 100, mean: 2.5, variance: 4 })!;
    expect(ci.delta).toBeCloseTo(50, 12);
    // ν = 500² / (100²/99 + 400²/99) = 145.6; t₀.₉₇₅ = 1.976 (tables: 1.9799 at 120, 1.9759 at 150)
    const half = (ci.hi - ci.delta) / Math.sqrt(100 + 400);
    expect(half).toBeGreaterThan(1.9759);
    expect(half).toBeLessThan(1.9799);
    expect(half).toBeGreaterThan(Z95);
    expect(welchDiff({ n: 1, mean: 1, variance: null }, { n: 5, mean: 1, variance: 1 })).toBeNull();
  });
});

describe('delta-method ratio interval (cost per 1k successful requests)', () => {
  it('reduces to the mean interval, plus the success rate\'s floor, when every request succeeds', () => {
    // 200 of 200 succeeded: the success share could still be as low as Wilson's bound, so the
    // denominator's variance is floored at q(1 − q) with q = z²/(200 + z²): 0.01849018 (scipy).
    // Var = 1000²·(1e-6 + 0.002²·0.01849018)/200 = 0.00536980
    const a: RatioAggregate = { n: 200, meanNum: 0.002, meanDen: 1, varNum: 1e-6, varDen: 0, covNumDen: 0 };
    expect(ratioValue(a, 1000)).toBeCloseTo(2, 12);
    expect(ratioVariance(a, 1000)).toBeCloseTo(0.0053698036, 9);
  });

  it('uses Student t on the Welch–Satterthwaite df for a small compare (5 requests a side, all answered; hand-computed)', () => {
    // every request succeeds, so the ratio is the mean cost: 2 and 3 with s² = 2.5 each. 5 of 5
    // succeeded, so the success indicator's variance is floored at q(1 − q) = 0.2457088 (q = z²/(5 + z²)):
    // Var = (2.5 + r²·0.2457088)/5 = 0.6965660 and 0.9422734, ν = 7.824127,
    // t₀.₉₇₅(7.824127) = 2.315058 (scipy): 1 ± 2.963672 (z would give 1 ± 2.509)
    const side = (meanNum: number): RatioAggregate => ({ n: 5, meanNum, meanDen: 1, varNum: 2.5, varDen: 0, covNumDen: 0 });
    const ci = ratioDiff(side(2), side(3))!;
    expect(ci.delta).toBe(1);
    expect(ci.lo).toBeCloseTo(1 - 2.963672, 4);
    expect(ci.hi).toBeCloseTo(1 + 2.963672, 4);
  });

  it('has no value or interval without successes', () => {
    const none: RatioAggregate = { n: 50, meanNum: 0.01, meanDen: 0, varNum: 1e-4, varDen: 0, covNumDen: 0 };
    expect(ratioValue(none, 1000)).toBeNull();
    expect(ratioDiff(none, none, 1000)).toBeNull();
  });

  it('covers the true difference at about 95% over 300 seeded pairs of samples', () => {
    // Cost per request ~ lognormal (mean e^{0.5}·0.001), success ~ Bernoulli(p); failed requests cost half.
    const draw = (rng: Rng, n: number, p: number, scale: number) => {
      const num: number[] = [];
      const den: number[] = [];
      for (let i = 0; i < n; i++) {
        const ok = rng.next() < p ? 1 : 0;
        num.push(Math.exp(rng.normal()) * 0.001 * scale * (ok ? 1 : 0.5));
        den.push(ok);
      }
      return aggregates(num, den);
    };
    const truth = (p: number, scale: number) => (1000 * Math.exp(0.5) * 0.001 * scale * (p + 0.5 * (1 - p))) / p;
    const rng = new Rng(11);
    let covered = 0;
    for (let rep = 0; rep < 300; rep++) {
      const ci = ratioDiff(draw(rng, 800, 0.9, 1), draw(rng, 800, 0.95, 1.1), 1000)!;
      const t = truth(0.95, 1.1) - truth(0.9, 1);
      if (ci.lo <= t && t <= ci.hi) covered++;
    }
    expect(covered / 300).toBeGreaterThanOrEqual(0.9);
    expect(covered / 300).toBeLessThanOrEqual(0.99);
  });
});

describe('verdict', () => {
  it('is a tie whenever the interval contains or touches 0', () => {
    expect(verdict({ lo: -1, hi: 2 }, 'lower')).toBe('tie');
    expect(verdict({ lo: 0, hi: 2 }, 'higher')).toBe('tie');
    expect(verdict({ lo: -3, hi: 0 }, 'lower')).toBe('tie');
    expect(verdict({ lo: NaN, hi: 1 }, 'lower')).toBe('tie');
    expect(containsZero({ lo: 0, hi: 0 })).toBe(true);
  });

  it('reads the side of zero against the metric direction', () => {
    expect(verdict({ lo: 0.01, hi: 0.02 }, 'higher')).toBe('win');
    expect(verdict({ lo: 0.01, hi: 0.02 }, 'lower')).toBe('loss');
    expect(verdict({ lo: -20, hi: -5 }, 'lower')).toBe('win');
    expect(verdict({ lo: -20, hi: -5 }, 'higher')).toBe('loss');
  });

  it('computes relative change and interpolated percentiles', () => {
    expect(relativePct(5, 100)).toBe(5);
    expect(relativePct(5, 0)).toBeNull();
    expect(sortedQuantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(sortedQuantile([1, 2, 3, 4], 1)).toBe(4);
  });
});
