/** Share of attempts per target over time, one panel per strategy: where traffic and failover went. */
import { CONFIG, timeAxis, WIDTH, withTime, wrapLines, type Row, type Spec } from './chart-common.js';
import { targetColours, type TargetInfo } from './palette.js';

export function targetShareChart(rows: readonly Row[], strategies: readonly string[], targets: readonly TargetInfo[], spanMs: number): Spec {
  const axis = timeAxis(spanMs);
  const colours = targetColours(targets);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Where the attempts went', subtitle: wrapLines(['share of attempts per target over time, per strategy; one hue per provider, one shade per route to it'], 80) },
    config: CONFIG,
    data: { values: withTime(rows, axis).map((r) => ({ ...r, k: colours.domain.indexOf(String(r.target)) })) },
    facet: { row: { field: 'strategy', type: 'nominal', title: null, sort: [...strategies], header: { labelAngle: 0, labelAlign: 'left', labelFontWeight: 'bold' } } },
    spec: {
      width: WIDTH,
      height: 70,
      mark: { type: 'area', interpolate: 'step-after' },
      encoding: {
        x: { field: axis.field, type: 'quantitative', title: axis.title },
        y: { field: 'share', type: 'quantitative', stack: 'normalize', title: null, axis: { format: '%', tickCount: 2 } },
        color: { field: 'target', type: 'nominal', title: 'target', scale: colours, legend: { symbolLimit: 0, labelLimit: 200 } },
        order: { field: 'k', type: 'quantitative' },
        tooltip: [
          { field: 'strategy', type: 'nominal' },
          { field: 'target', type: 'nominal' },
          { field: 'share', type: 'quantitative', format: '.1%' },
        ],
      },
    },
  };
}
