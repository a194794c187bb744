/**
 * Empty time buckets are gaps in the over-time lines, not a line joined across them: an outage in
 * a quiet stretch must not read as a ramp. The rows are checked against values worked out by hand,
 * and the drawn SVG for the number of separate line pieces and their widths.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureLayersChart } from '../../src/report/charts/failure-layers.js';
import { overTimeChart } from '../../src/report/charts/over-time.js';
import { stepPoints } from '../../src/report/charts/step-points.js';
import { chartSvg } from '../../src/report/render-chart.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { failureLayers, overTime } from '../../src/store/report-queries.js';

/** The `d` of every line mark in the SVG, per panel, each split into its pieces (one per M command). */
function linePieces(svg: string): number[][][][] {
  return [...svg.matchAll(/aria-roledescription="line mark" d="([^"]+)"/g)].map((m) =>
    m[1]!
      .split('M')
      .filter(Boolean)
      .map((piece) => piece.split('L').map((xy) => xy.split(',').map(Number))),
  );
}

describe('over-time chart with an empty bucket', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore(':memory:');
    // buckets of 1,000 ms: bucket 0 two successes (latency 100, 300), bucket 1 empty, bucket 2 one
    // success (200), bucket 3 one failure (no latency)
    await store.run(`CREATE TEMP TABLE rq AS SELECT * FROM (VALUES
      (1, 10.0, true, 100.0), (1, 500.0, true, 300.0), (1, 2100.0, true, 200.0), (1, 3500.0, false, NULL)
    ) t(run_no, scheduled_ms, success, latency_ms)`);
  });
  afterAll(() => store.close());

  it('has a row for the empty bucket: 0 requests, no success rate, no p95', async () => {
    expect(await overTime(store, 1000)).toEqual([
      // p95 of 100 and 300 (type 7): 100 + 0.95 × 200 = 290
      { run_no: 1, t_ms: 0, requests: 2, success_rate: 1, p95_latency_ms: 290 },
      { run_no: 1, t_ms: 1000, requests: 0, success_rate: null, p95_latency_ms: null },
      { run_no: 1, t_ms: 2000, requests: 1, success_rate: 1, p95_latency_ms: 200 },
      { run_no: 1, t_ms: 3000, requests: 1, success_rate: 0, p95_latency_ms: null },
    ]);
  });

  it('lays out steps of a bucket\'s width, closed before each gap and broken in it', async () => {
    const rows = (await overTime(store, 1000)).map((r) => ({ ...r, strategy: 's' }));
    const at = (points: Record<string, unknown>[], field: string) => points.map((p) => [p.t_ms, p[field]]);
    expect(at(stepPoints(rows, 'success_rate', 1000), 'success_rate')).toEqual([
      [0, 1],
      [1000, 1],
      [1500, null],
      [2000, 1],
      [3000, 0],
      [4000, 0],
    ]);
    // bucket 3 has no success, so no p95: bucket 2 closes at 3000 and nothing follows
    expect(at(stepPoints(rows, 'p95_latency_ms', 1000), 'p95_latency_ms')).toEqual([
      [0, 290],
      [1000, 290],
      [1500, null],
      [2000, 200],
      [3000, 200],
    ]);
  });

  it('draws two separate pieces per line, each at least a bucket wide', async () => {
    const rows = (await overTime(store, 1000)).map((r) => ({ ...r, strategy: 's' }));
    const svg = await chartSvg(overTimeChart(rows, [], ['s'], 4000, 1000));
    const [success, p95] = linePieces(svg);
    expect(success).toHaveLength(2);
    expect(p95).toHaveLength(2);
    for (const piece of [...success!, ...p95!]) {
      const xs = piece.map(([x]) => x!);
      expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(0);
    }
    const span = (piece: number[][]) => [Math.min(...piece.map(([x]) => x!)), Math.max(...piece.map(([x]) => x!))] as const;
    // success: bucket 0 alone, then buckets 2 and 3 (twice as wide), with the empty bucket 1 between
    // them as wide as bucket 0; p95: bucket 0, a gap, bucket 2 (bucket 3 has no success)
    const [a0, a1] = span(success![0]!);
    const [b0, b1] = span(success![1]!);
    expect(b1 - b0).toBeCloseTo(2 * (a1 - a0), 2);
    expect(b0 - a1).toBeCloseTo(a1 - a0, 2);
    const [c0, c1] = span(p95![0]!);
    const [d0, d1] = span(p95![1]!);
    expect(d1 - d0).toBeCloseTo(c1 - c0, 2);
    expect(d0 - c1).toBeCloseTo(c1 - c0, 2);
  });
});

describe('failure layers with an empty bucket', () => {
  it('draws each layer in two pieces, the gateway\'s failures not carried across the quiet bucket', async () => {
    const store = await openStore(':memory:');
    // bucket 0: one request, failed at the gateway; bucket 1: none; bucket 2: one success
    await store.run(`CREATE TEMP TABLE rq AS SELECT * FROM (VALUES
      (1, 100.0, false, 'gateway_error'), (1, 2500.0, true, NULL)
    ) t(run_no, scheduled_ms, success, last_error)`);
    const rows = (await failureLayers(store, 1000)).map((r) => ({ ...r, strategy: 's' }));
    store.close();
    const svg = await chartSvg(failureLayersChart(rows, ['s'], 3000, 1000));
    const areas = [...svg.matchAll(/aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="area mark" d="([^"]+)"/g)];
    expect(areas).toHaveLength(2);
    const gateway = areas.find((m) => m[1]!.includes('layer: gateway'))![2]!;
    // the gateway area: bucket 0 at 100% and a bucket wide, then nothing until bucket 2, where it is 0 (no height)
    const pieces = gateway.split('M').filter(Boolean);
    expect(pieces).toHaveLength(2);
    const xs = (piece: string) => piece.replace(/Z$/, '').split('L').map((xy) => Number(xy.split(',')[0]));
    expect(Math.max(...xs(pieces[0]!)) - Math.min(...xs(pieces[0]!))).toBeCloseTo(Math.min(...xs(pieces[1]!)) - Math.max(...xs(pieces[0]!)), 2);
    const ys = (piece: string) => piece.replace(/Z$/, '').split('L').map((xy) => Number(xy.split(',')[1]));
    const height = (piece: string) => Math.max(...ys(piece)) - Math.min(...ys(piece));
    expect(height(pieces[0]!)).toBeGreaterThan(0);
    for (const piece of pieces.slice(1)) expect(height(piece)).toBe(0);
  });
});

describe('step points with a sub-millisecond bucket', () => {
  it('treats k·0.2 ms as the bucket after (k − 1)·0.2 ms despite rounding (6 × 0.2 = 1.2000000000000002, 5 × 0.2 + 0.2 = 1.2)', () => {
    const rows = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => ({ strategy: 's', t_ms: k * 0.2, v: k }));
    expect(rows[6]!.t_ms).not.toBe(rows[5]!.t_ms + 0.2); // the premise
    const points = stepPoints(rows, 'v', 0.2);
    // one point per bucket and one closing point: no spurious closing or break inside the run
    expect(points.map((p) => p.v)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 7]);
  });
});
