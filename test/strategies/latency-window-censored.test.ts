/**
 * LatencyWindow with censored samples ("at least this long"), against hand-computed Kaplan-Meier
 * values, a second implementation written from the textbook product-limit formula (grouped ties,
 * S(t) = Π (1 − d_j/n_j)), and the analytic quantile of an exponential under random censoring.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/rng.js';
import { LatencyWindow } from '../../src/strategies/latency-window.js';
import { Harness, makeAttempt, makeRequest } from './fake-context.js';

/**
 * Textbook KM over distinct times, then the window's interpolation rule, computed independently.
 * Censored samples past the last answer count as answers (lower bounds), as the window documents.
 */
function referenceQuantile(input: readonly { t: number; c: boolean }[], q: number): number {
  const n = input.length;
  const answers = input.filter((s) => !s.c).map((s) => s.t);
  const lastAnswer = answers.length > 0 ? Math.max(...answers) : -Infinity;
  const samples = input.map((s) => ({ t: s.t, c: s.c && s.t < lastAnswer }));
  const times = [...new Set(samples.filter((s) => !s.c).map((s) => s.t))].sort((a, b) => a - b);
  const points: { t: number; pos: number }[] = [];
  let s = 1;
  for (const t of times) {
    const atRisk = samples.filter((x) => x.t >= t).length;
    const deaths = samples.filter((x) => !x.c && x.t === t).length;
    // d answers at one time take d consecutive plotting positions.
    for (let k = 0; k < deaths; k++) points.push({ t, pos: ((1 - s * (1 - k / atRisk)) * n) / Math.max(1, n - 1) });
    s *= 1 - deaths / atRisk;
  }
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (p.pos >= q) {
      if (i === 0 || p.pos === points[i - 1]!.pos) return p.t;
      const a = points[i - 1]!;
      return a.t + ((p.t - a.t) * (q - a.pos)) / (p.pos - a.pos);
    }
  }
  return Math.max(...samples.map((x) => x.t));
}

describe('LatencyWindow with censored samples', () => {
  it('hand-computed: 1, 2, 3+, 4, 5 (3 censored)', () => {
    const w = new LatencyWindow(8);
    for (const [t, c] of [[1, false], [2, false], [3, true], [4, false], [5, false]] as const) w.add(t, c);
    // S: 4/5 after 1, 3/5 after 2, 3/10 after 4 (two at risk), 0 after 5; positions ·5/4:
    // 1 → 0, 2 → 0.25, 4 → 0.5, 5 → 0.875.
    expect(w.quantile(0)).toBe(1);
    expect(w.quantile(0.25)).toBeCloseTo(2, 12);
    expect(w.quantile(0.5)).toBe(4);
    expect(w.quantile(0.7)).toBeCloseTo(4 + 0.2 / 0.375, 12);
    expect(w.quantile(0.95)).toBe(5);
    expect(w.censored).toBe(1);
  });

  it('beyond the last answer the censored times are lower bounds', () => {
    const w = new LatencyWindow(8);
    for (const [t, c] of [[1, false], [2, false], [3, true], [4, true]] as const) w.add(t, c);
    // S = 1/2 after 2 and never lower. Past 2, 3+ and 4+ stand in as answers: positions ·4/3 are
    // 1 → 0, 2 → 1/3, 3 → 2/3, 4 → 1, the type-7 positions of 1, 2, 3, 4.
    expect(w.quantile(1 / 3)).toBeCloseTo(2, 12);
    expect(w.quantile(0.5)).toBeCloseTo(2.5, 12);
    expect(w.quantile(0.9)).toBeCloseTo(3.7, 12);
    // Censored before an answer they only leave the risk set: 3+ then 5 gives S 1/2 → 0 at 5.
    w.add(5);
    expect(w.quantile(0.9)).toBe(5);
  });

  it('matches the textbook product-limit estimate after every add, through eviction and ties', () => {
    const rng = new Rng(9);
    const capacity = 24;
    const w = new LatencyWindow(capacity);
    const all: { t: number; c: boolean }[] = [];
    for (let i = 0; i < 600; i++) {
      const t = rng.int(40); // small integers: many ties between answers and censored samples
      const c = rng.next() < 0.3;
      w.add(t, c);
      all.push({ t, c });
      const win = all.slice(-capacity);
      expect(w.censored).toBe(win.filter((x) => x.c).length);
      for (const q of [0, 0.1, 0.5, 0.9, 0.95]) expect(w.quantile(q), `after ${i + 1} samples, q=${q}`).toBeCloseTo(referenceQuantile(win, q), 9);
    }
  });

  it('exponential latency under random censoring: Kaplan-Meier finds the true p90, answers alone do not', () => {
    // T ~ Exp(mean 1000 ms), censored at C ~ Exp(mean 2000 ms). True p90 = 1000·ln 10 ≈ 2303 ms.
    // The answers alone are min(T, C) given T < C, i.e. Exp(mean 667 ms): p90 ≈ 1535 ms.
    const rng = new Rng(4);
    const km = new LatencyWindow(4096);
    const answersOnly = new LatencyWindow(4096);
    for (let i = 0; i < 4096 * 2; i++) {
      const t = -1000 * Math.log(1 - rng.next());
      const c = -2000 * Math.log(1 - rng.next());
      km.add(Math.min(t, c), c < t);
      if (t <= c) answersOnly.add(t);
    }
    const truth = 1000 * Math.log(10);
    // Standard error of the KM p90 here ≈ 80 ms (Greenwood); 4 of them.
    expect(Math.abs(km.quantile(0.9) - truth)).toBeLessThan(320);
    expect(Math.abs(answersOnly.quantile(0.9) - 2000 * Math.log(10) / 3)).toBeLessThan(200);
  });
});

describe('hedge.observe feeds every attempt to the window', () => {
  it('attempts that lost to the hedge or failed count as "at least this long"', () => {
    const h = Harness.of('hedge', { targets: ['t0', 't1'], quantile: 0.5, min_samples: 4, after_ms: 9000 });
    const plain = makeRequest({ stream: false });
    for (const ms of [100, 200]) h.router.observe!(makeAttempt({ request: plain, target: 0, outcome: 'ok', sentMs: 0, endMs: ms }), ms);
    // Two slow attempts cancelled at 5 s because the hedge answered: the median is no longer 150 ms.
    for (const outcome of ['hedge_lost', 'timeout'] as const) h.router.observe!(makeAttempt({ request: plain, target: 0, outcome, sentMs: 0, endMs: 5000 }), 5000);
    const d = h.first();
    expect(d).toMatchObject({ type: 'hedge', target: 0 });
    // 100, 200, 5000+, 5000+: past the last answer the censored times are lower bounds, so the
    // positions ·4/3 are 0, 1/3, 2/3, 1 and the median is 200 + (5000 − 200)/2 (answers only: 150).
    expect((d as { afterMs: number }).afterMs).toBeCloseTo(2600, 9);
    h.router.observe!(makeAttempt({ request: plain, target: 0, outcome: 'hedge_lost', sentMs: 0, endMs: 7000 }), 7000);
    expect((h.first() as { afterMs: number }).afterMs).toBe(5000);
  });

  it('streams: a first token is an exact TTFT even if the attempt then lost; none is censored', () => {
    const h = Harness.of('hedge', { targets: ['t0', 't1'], quantile: 0.5, min_samples: 3, after_ms: 9000 });
    const stream = makeRequest({ stream: true });
    h.router.observe!(makeAttempt({ request: stream, target: 0, outcome: 'hedge_lost', sentMs: 0, endMs: 4000, ttftMs: 300 }), 4000);
    h.router.observe!(makeAttempt({ request: stream, target: 0, outcome: 'ok', sentMs: 0, endMs: 4000, ttftMs: 100 }), 4000);
    h.router.observe!(makeAttempt({ request: stream, target: 0, outcome: 'hedge_lost', sentMs: 0, endMs: 50 }), 50);
    // 50+ (censored), 100, 300: S = 1/2 after 100, 0 after 300; positions ·3/2: 100 → 0, 300 → 0.75.
    expect((h.first({ stream: true }) as { afterMs: number }).afterMs).toBeCloseTo(100 + 200 * (0.5 / 0.75), 9);
  });
});
