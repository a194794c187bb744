/**
 * End-to-end failures over time per strategy, the gateway's own failures stacked on the providers'.
 * A bucket without requests is a gap (step-points.ts), not a 0% failure rate.
 */
import { CONFIG, timeAxis, WIDTH, withTime, type Row, type Spec } from './chart-common.js';
import { stepPoints } from './step-points.js';

/** `rows`: every layer of a strategy in every bucket, sorted by strategy, layer, t_ms (store/report-queries.ts failureLayers). */
export function failureLayersChart(rows: readonly Row[], strategies: readonly string[], spanMs: number, bucketMs: number): Spec {
  const axis = timeAxis(spanMs);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Failed requests by layer', subtitle: "share of requests that failed, by whose fault: the gateway's own or the providers'" },
    config: CONFIG,
    data: { values: withTime(stepPoints(rows, 'rate', bucketMs, ['strategy', 'layer']), axis) },
    facet: { row: { field: 'strategy', type: 'nominal', title: null, sort: [...strategies], header: { labelAngle: 0, labelAlign: 'left', labelFontWeight: 'bold' } } },
    spec: {
      width: WIDTH,
      height: 70,
      mark: { type: 'area', interpolate: 'step-after' },
      encoding: {
        x: { field: axis.field, type: 'quantitative', title: axis.title },
        y: { field: 'rate', type: 'quantitative', stack: 'zero', title: 'failed', axis: { format: '%', tickCount: 3 } },
        color: { field: 'layer', type: 'nominal', title: 'failed at', scale: { domain: ['gateway', 'provider'], range: ['#b2182b', '#f4a582'] } },
        tooltip: [
          { field: 'strategy', type: 'nominal' },
          { field: 'layer', type: 'nominal' },
          { field: 'rate', type: 'quantitative', format: '.2%' },
        ],
      },
    },
  };
}
