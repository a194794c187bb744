/** Latency CDF per strategy (from scheduled time, successful requests), log x. */
import { CONFIG, HEIGHT, strategyColor, WIDTH, type Row, type Spec } from './chart-common.js';

export function latencyCdfChart(rows: readonly Row[], strategies: readonly string[]): Spec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Latency CDF (successful requests, from scheduled send)', subtitle: 'further left is faster; the top shows the tail' },
    width: WIDTH,
    height: HEIGHT + 60,
    config: CONFIG,
    data: { values: rows.filter((r) => (r.latency_ms as number) > 0) as Row[] },
    mark: { type: 'line', interpolate: 'monotone', strokeWidth: 2 },
    encoding: {
      x: { field: 'latency_ms', type: 'quantitative', title: 'latency (ms, log)', scale: { type: 'log' } },
      y: { field: 'p', type: 'quantitative', title: 'share of requests', axis: { format: '%' }, scale: { domain: [0, 1] } },
      color: strategyColor(strategies),
      tooltip: [
        { field: 'strategy', type: 'nominal' },
        { field: 'p', type: 'quantitative', format: '.2%', title: 'quantile' },
        { field: 'latency_ms', type: 'quantitative', format: ',.0f', title: 'latency (ms)' },
      ],
    },
  };
}
