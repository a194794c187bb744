/**
 * Chart workers run under a heap cap (CHART_WORKER_HEAP). A worker that runs out of memory under
 * it must not fail the report: its chart is drawn again in a worker without the cap, and every
 * chart's SVG is the one the calling thread draws (inlineCharts), byte for byte.
 */
import { describe, expect, it } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { CHART_WORKER_HEAP, chartPool, inlineCharts } from '../../src/report/chart-pool.js';

/** A small bar chart whose data depends on `k`, so every job is a different chart. */
function spec(k: number): TopLevelSpec {
  return {
    width: 200,
    height: 100,
    data: { values: Array.from({ length: 12 }, (_, i) => ({ x: `t${i}`, y: ((i * 7 + k * 3) % 11) + k })) },
    mark: 'bar',
    encoding: { x: { field: 'x', type: 'nominal' }, y: { field: 'y', type: 'quantitative' } },
  };
}

describe('chart pool heap cap', () => {
  it('caps the workers by default with a small young and a bounded old generation', () => {
    expect(CHART_WORKER_HEAP.maxYoungGenerationSizeMb).toBeGreaterThan(0);
    expect(CHART_WORKER_HEAP.maxOldGenerationSizeMb).toBeGreaterThan(0);
  });

  it('draws every chart again without the cap when a capped worker runs out of memory', async () => {
    // 8 MB of old generation cannot load vega and draw: the first worker dies of ERR_WORKER_OUT_OF_MEMORY.
    // (Not less: on Node 22 and 24 a worker whose heap cannot hold Node's own start-up snapshot, ~2 MB,
    // is a fatal out-of-memory of the whole process, not an error of the worker.)
    const pool = chartPool(2, { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1 });
    try {
      const jobs = [0, 1, 2, 3, 4].map((k) => pool.render(spec(k), null));
      const got = await Promise.all(jobs);
      expect(pool.outOfMemory).toBeGreaterThanOrEqual(1);
      for (let k = 0; k < jobs.length; k++) {
        const want = await inlineCharts.render(spec(k), null);
        expect(got[k]!.svg).toBe(want.svg);
        expect(got[k]!.png).toBeNull();
      }
    } finally {
      await pool.close();
    }
  }, 120_000);

  it('does not restart anything when the cap is enough', async () => {
    const pool = chartPool(1);
    try {
      const got = await pool.render(spec(9), null);
      expect(got.svg).toBe((await inlineCharts.render(spec(9), null)).svg);
      expect(pool.outOfMemory).toBe(0);
    } finally {
      await pool.close();
    }
  }, 120_000);
});
