/** Share of attempts per target over time, one panel per strategy: where traffic and failover went. */
import { CONFIG, timeAxis, WIDTH, withTime, type Row, type Spec } from './chart-common.js';

export function targetShareChart(rows: readonly Row[], strategies: readonly string[], targets: readonly string[], spanMs: number): Spec {
  const axis = timeAxis(spanMs);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Where the attempts went', subtitle: 'share of attempts per target over time, per strategy' },
    config: CONFIG,
    data: { values: withTime(rows, axis) },
    facet: { row: { field: 'strategy', type: 'nominal', title: null, sort: [...strategies], header: { labelAngle: 0, labelAlign: 'left', labelFontWeight: 'bold' } } },
    spec: {
      width: WIDTH,
      height: 70,
      mark: { type: 'area', interpolate: 'step-after' },
      encoding: {
        x: { field: axis.field, type: 'quantitative', title: axis.title },
        y: { field: 'share', type: 'quantitative', stack: 'normalize', title: null, axis: { format: '%', tickCount: 2 } },
        color: { field: 'target', type: 'nominal', title: 'target', scale: { domain: [...targets], scheme: 'set2' } },
        tooltip: [
          { field: 'strategy', type: 'nominal' },
          { field: 'target', type: 'nominal' },
          { field: 'share', type: 'quantitative', format: '.1%' },
        ],
      },
    },
  };
}
