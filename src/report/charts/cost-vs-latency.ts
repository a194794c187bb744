/** Cost per 1k successful requests vs p95 latency, one point per strategy (labelled with its success rate), Pareto front marked. */
import { CONFIG, HEIGHT, strategyColor, WIDTH, type Row, type Spec } from './chart-common.js';

export function costVsLatencyChart(rows: readonly Row[], strategies: readonly string[]): Spec {
  const values: Row[] = rows.map((r) => ({
    ...r,
    front: r.pareto ? 'on the Pareto front' : 'dominated',
    label: `${String(r.strategy)} (${((r.success_rate as number) * 100).toFixed(2)}% ok)`,
  }));
  const front = values.filter((r) => r.pareto).sort((a, b) => (a.p95_latency_ms as number) - (b.p95_latency_ms as number));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Cost vs p95 latency (and success rate)',
      subtitle: 'lower left is better; circles: no other strategy is as good on cost, p95 and success rate together',
    },
    width: WIDTH,
    height: HEIGHT + 60,
    config: CONFIG,
    layer: [
      {
        data: { values: front },
        mark: { type: 'line', color: '#888', strokeDash: [4, 3] },
        encoding: {
          x: { field: 'p95_latency_ms', type: 'quantitative' },
          y: { field: 'cost_per_1k_usd', type: 'quantitative' },
        },
      },
      {
        data: { values },
        mark: { type: 'point', filled: true, size: 140 },
        encoding: {
          x: { field: 'p95_latency_ms', type: 'quantitative', title: 'p95 latency (ms)', scale: { zero: false, padding: 40 } },
          y: { field: 'cost_per_1k_usd', type: 'quantitative', title: 'USD per 1k successful requests', scale: { zero: false, padding: 24 } },
          color: strategyColor(strategies),
          shape: {
            field: 'front',
            type: 'nominal',
            title: null,
            scale: { domain: ['on the Pareto front', 'dominated'], range: ['circle', 'triangle'] },
            legend: { labelLimit: 240 },
          },
          tooltip: [
            { field: 'strategy', type: 'nominal' },
            { field: 'p95_latency_ms', type: 'quantitative', format: ',.0f', title: 'p95 (ms)' },
            { field: 'cost_per_1k_usd', type: 'quantitative', format: '$.4f', title: 'per 1k ok' },
            { field: 'success_rate', type: 'quantitative', format: '.3%', title: 'success' },
          ],
        },
      },
      {
        data: { values },
        mark: { type: 'text', dy: -12, fontSize: 11 },
        encoding: {
          x: { field: 'p95_latency_ms', type: 'quantitative' },
          y: { field: 'cost_per_1k_usd', type: 'quantitative' },
          text: { field: 'label', type: 'nominal' },
        },
      },
    ],
  };
}
