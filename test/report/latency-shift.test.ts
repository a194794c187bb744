/**
 * The latency shift plot's numbers against analytic answers: a candidate whose every latency is the
 * baseline's plus 500 ms differs by exactly 500 ms at every quantile, and its interval excludes 0;
 * an identical candidate differs by 0 with an interval around it. Seeded: same seed, same intervals;
 * another seed, other intervals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latencyShift, quantileName, SHIFT_QUANTILES } from '../../src/report/latency-shift.js';
import { latencyShiftChart, shiftScale } from '../../src/report/charts/latency-shift.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { chartSvg } from '../../src/report/render-chart.js';

let store: Store;
const runs = [
  { runNo: 1, strategy: 'base' },
  { runNo: 2, strategy: 'plus500' },
  { runNo: 3, strategy: 'same' },
];

beforeAll(async () => {
  store = await openStore(':memory:');
  // 20,000 requests per run: latencies 1..20000 ms (a uniform grid); run 2 adds 500 ms; run 3 equals run 1.
  await store.run(`CREATE TEMP TABLE rq AS
    SELECT r AS run_no, true AS success, (i + CASE WHEN r = 2 THEN 500 ELSE 0 END)::DOUBLE AS latency_ms
    FROM range(1, 4) a(r), range(1, 20001) b(i)`);
});
afterAll(() => store.close());

describe('latencyShift', () => {
  it('finds a constant 500 ms shift at every quantile, significant at each', async () => {
    const pts = await latencyShift(store, runs, { resamples: 400, seed: 3, relation: 'rq' });
    const plus = pts.filter((p) => p.strategy === 'plus500');
    expect(plus.map((p) => p.quantile)).toEqual(SHIFT_QUANTILES.map(quantileName));
    for (const p of plus) {
      expect(p.delta_ms).toBeCloseTo(500, 9);
      // quantile_cont over 1..20000: (n − 1)·p + 1 (hand formula)
      expect(p.baseline_ms).toBeCloseTo(19_999 * p.p + 1, 6);
      expect(p.lo_ms!).toBeLessThanOrEqual(500);
      expect(p.hi_ms!).toBeGreaterThanOrEqual(500);
    }
    // The standard error of a quantile of 20,000 uniform values on 1..20000 is at most
    // 20000·sqrt(0.25/20000) ≈ 71 ms, so a 500 ms shift is some 5 standard errors of the difference.
    for (const p of plus) expect(p.verdict, p.quantile).toBe('slower');
    for (const p of pts.filter((x) => x.strategy === 'same')) {
      expect(p.delta_ms).toBe(0);
      expect(p.verdict).toBe('tie');
    }
  });

  it('is seeded: same seed, same intervals; another seed, other intervals', async () => {
    const a = await latencyShift(store, runs, { resamples: 200, seed: 7, relation: 'rq' });
    const b = await latencyShift(store, runs, { resamples: 200, seed: 7, relation: 'rq' });
    const c = await latencyShift(store, runs, { resamples: 200, seed: 8, relation: 'rq' });
    expect(b).toEqual(a);
    expect(c.map((p) => p.lo_ms)).not.toEqual(a.map((p) => p.lo_ms));
  });

  it('draws one dot and one interval bar per strategy and quantile, in panels of the other strategies', async () => {
    const pts = await latencyShift(store, runs, { resamples: 200, seed: 1, relation: 'rq' });
    const spec = latencyShiftChart(pts, 'base', runs.map((r) => r.strategy), SHIFT_QUANTILES.map(quantileName)) as unknown as { data: { values: { pad?: boolean }[] }; facet: { row: { sort: string[] } } };
    expect(spec.data.values.filter((v) => !v.pad)).toHaveLength(2 * SHIFT_QUANTILES.length);
    expect(spec.facet.row.sort).toEqual(['plus500', 'same']);
  });

  it('switches to a symmetric-log axis only when the tail dwarfs the body', () => {
    const p = (delta: number) => ({ strategy: 's', quantile: 'p', p: 0.5, baseline_ms: 0, candidate_ms: 0, delta_ms: delta, lo_ms: delta - 1, hi_ms: delta + 1, verdict: 'tie' as const });
    expect(shiftScale([p(10), p(20), p(40)]).type).toBe('linear');
    expect(shiftScale([p(10), p(12), p(20_000)])).toEqual({ type: 'symlog', constant: 12 });
  });

  it('labels every symlog tick inside the data range (0 included)', async () => {
    // a real gateway-shootout panel: tens of ms in the body, −31 s at p99.9
    const data = [[62, 37, 84], [71, 39, 98], [88, 53, 125], [97, 39, 164], [67, -54, 185], [-42, -407, 289], [-214, -803, 272], [-2524, -4521, -750], [-31530, -43261, -21355]];
    const pts = data.map(([d, lo, hi], i) => ({ strategy: 'openrouter', quantile: quantileName(SHIFT_QUANTILES[i]!), p: SHIFT_QUANTILES[i]!, baseline_ms: 0, candidate_ms: d!, delta_ms: d!, lo_ms: lo!, hi_ms: hi!, verdict: 'tie' as const }));
    expect(shiftScale(pts).type).toBe('symlog');
    const svg = await chartSvg(latencyShiftChart(pts, 'direct', ['direct', 'openrouter'], SHIFT_QUANTILES.map(quantileName)));
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(texts).toEqual(expect.arrayContaining(['−10,000', '−1,000', '+0']));
  });
});
