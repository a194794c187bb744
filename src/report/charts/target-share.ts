/**
 * Share of attempts per target over time, one panel per strategy: where traffic and failover went.
 * The shares of a bucket already sum to 1 (SQL), so they stack from zero; a bucket without attempts
 * is a gap (step-points.ts).
 */
import { CONFIG, timeAxis, WIDTH, withTime, wrapLines, type Row, type Spec } from './chart-common.js';
import { targetColours, type TargetInfo } from './palette.js';
import { stepPoints } from './step-points.js';

/** `rows`: every target of a strategy in every bucket, sorted by strategy, target, t_ms (store/report-queries.ts targetShare). */
export function targetShareChart(rows: readonly Row[], strategies: readonly string[], targets: readonly TargetInfo[], spanMs: number, bucketMs: number): Spec {
  const axis = timeAxis(spanMs);
  const colours = targetColours(targets);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Where the attempts went', subtitle: wrapLines(['share of attempts per target over time, per strategy; one hue per provider, one shade per route to it'], 80) },
    config: CONFIG,
    data: { values: withTime(stepPoints(rows, 'share', bucketMs, ['strategy', 'target']), axis).map((r) => ({ ...r, k: colours.domain.indexOf(String(r.target)) })) },
    facet: { row: { field: 'strategy', type: 'nominal', title: null, sort: [...strategies], header: { labelAngle: 0, labelAlign: 'left', labelFontWeight: 'bold' } } },
    spec: {
      width: WIDTH,
      height: 70,
      mark: { type: 'area', interpolate: 'step-after' },
      encoding: {
        x: { field: axis.field, type: 'quantitative', title: axis.title },
        y: { field: 'share', type: 'quantitative', stack: 'zero', title: null, scale: { domain: [0, 1] }, axis: { format: '%', tickCount: 2 } },
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
