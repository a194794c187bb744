/**
 * The cost chart's axes: they span every point and the tie bands, and a band never runs past its
 * axis (a success-rate band around 99.99% once ran past 100% and out of the plot).
 */
import { describe, expect, it } from 'vitest';
import { axisDomain, costVsLatencyChart } from '../../src/report/charts/cost-vs-latency.js';

type Panel = { layer: { data: { values: Record<string, number>[] }; encoding: { x: { scale: { domain: [number, number] } }; y: { scale: { domain: [number, number] } } } }[] };

describe('cost chart axes', () => {
  it('pads the values and the band by 8% and clamps to the allowed range', () => {
    expect(axisDomain([10, 20], 15, 10)).toEqual([5 - 1.6, 25 + 1.6]);
    expect(axisDomain([0.99, 0.9999], 0.9999, 0.002, [0, 1])[1]).toBe(1);
  });

  it('keeps a tie band near 100% success inside the plot', () => {
    const points = [
      { strategy: 'direct', p95_latency_ms: 20_000, cost_per_1k_usd: 0.53, success_rate: 0.9999, pareto: true },
      { strategy: 'portkey', p95_latency_ms: 19_000, cost_per_1k_usd: 1.05, success_rate: 0.998, pareto: true },
    ];
    const spec = costVsLatencyChart(points, ['direct', 'portkey'], { p95_latency_ms: 2000, cost_per_1k_usd: 0.04, success_rate: 0.002 }) as unknown as { hconcat: Panel[] };
    for (const panel of spec.hconcat) {
      const [xl, xh] = panel.layer[3]!.encoding.x.scale.domain;
      for (const b of panel.layer[0]!.data.values) {
        expect(b.x).toBeGreaterThanOrEqual(xl);
        expect(b.x2).toBeLessThanOrEqual(xh);
      }
    }
    expect(spec.hconcat[1]!.layer[3]!.encoding.x.scale.domain[1]).toBe(1);
  });
});
