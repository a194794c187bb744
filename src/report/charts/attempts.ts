/** Requests by number of attempts per strategy: how much retrying and failing over each one did. */
import { CONFIG, WIDTH, type Row, type Spec } from './chart-common.js';

export function attemptsChart(rows: readonly Row[], strategies: readonly string[]): Spec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Attempts per request', subtitle: 'share of requests that needed 1, 2, 3 or 4+ attempts' },
    config: CONFIG,
    width: WIDTH,
    height: Math.max(120, 28 * strategies.length),
    data: { values: rows as Row[] },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'strategy', type: 'nominal', sort: [...strategies], title: null },
      x: { field: 'share', type: 'quantitative', stack: 'normalize', title: 'share of requests', axis: { format: '%' } },
      color: { field: 'attempts', type: 'ordinal', title: 'attempts', scale: { domain: ['1', '2', '3', '4+'], scheme: 'blues' } },
      order: { field: 'attempts', type: 'ordinal' },
      tooltip: [
        { field: 'strategy', type: 'nominal' },
        { field: 'attempts', type: 'ordinal' },
        { field: 'requests', type: 'quantitative', format: ',' },
        { field: 'share', type: 'quantitative', format: '.2%' },
      ],
    },
  };
}
