/** Spend per tag value (e.g. per project) over time, one panel per strategy. */
import { CONFIG, timeAxis, WIDTH, withTime, type Row, type Spec } from './chart-common.js';

export function spendPerTagChart(rows: readonly Row[], tagKey: string, strategies: readonly string[], spanMs: number): Spec {
  const axis = timeAxis(spanMs);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `Spend per ${tagKey} over time`, subtitle: 'USD per time bucket, failed attempts included as billed' },
    config: CONFIG,
    data: { values: withTime(rows, axis) },
    facet: { row: { field: 'strategy', type: 'nominal', title: null, sort: [...strategies], header: { labelAngle: 0, labelAlign: 'left', labelFontWeight: 'bold' } } },
    spec: {
      width: WIDTH,
      height: 70,
      mark: { type: 'area', interpolate: 'step-after' },
      encoding: {
        x: { field: axis.field, type: 'quantitative', title: axis.title },
        y: { field: 'cost_usd', type: 'quantitative', stack: 'zero', title: 'USD', axis: { tickCount: 3 } },
        color: { field: 'tag', type: 'nominal', title: tagKey, scale: { scheme: 'tableau10' } },
        tooltip: [
          { field: 'strategy', type: 'nominal' },
          { field: 'tag', type: 'nominal', title: tagKey },
          { field: 'cost_usd', type: 'quantitative', format: '$,.4f' },
        ],
      },
    },
  };
}
