/**
 * Success rate and p95 latency over time per strategy, incident windows shaded. A bucket without
 * requests has no success rate and a bucket without successes no p95: both are gaps in their line
 * (step-points.ts), never a line joined across them.
 */
import { CONFIG, HEIGHT, incidentLayer, strategyColor, timeAxis, WIDTH, withTime, type Incident, type Row, type Spec } from './chart-common.js';
import { stepPoints } from './step-points.js';

/** `rows`: one per strategy and bucket (empty buckets included), sorted by strategy then t_ms. */
export function overTimeChart(rows: readonly Row[], incidents: readonly Incident[], strategies: readonly string[], spanMs: number, bucketMs: number): Spec {
  const axis = timeAxis(spanMs);
  const panel = (field: string, title: string, format: string, scale: Record<string, unknown>) => ({
    width: WIDTH,
    height: HEIGHT,
    layer: [
      incidentLayer(incidents, axis),
      {
        data: { values: withTime(stepPoints(rows, field, bucketMs), axis) },
        mark: { type: 'line' as const, strokeWidth: 1.6, interpolate: 'step-after' as const },
        encoding: {
          x: { field: axis.field, type: 'quantitative' as const, title: axis.title },
          y: { field, type: 'quantitative' as const, title, axis: { format, labelOverlap: 'greedy' as const, labelSeparation: 4 }, scale },
          color: strategyColor(strategies),
          tooltip: [
            { field: 'strategy', type: 'nominal' as const },
            { field: axis.field, type: 'quantitative' as const, format: '.2f', title: axis.title },
            { field, type: 'quantitative' as const, format, title },
            { field: 'requests', type: 'quantitative' as const, format: ',' },
          ],
        },
      },
    ],
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Availability and tail latency over time', subtitle: incidents.length ? 'shaded: incident windows' : 'no incidents in this scenario' },
    config: CONFIG,
    vconcat: [panel('success_rate', 'success rate', '.1%', { zero: false }), panel('p95_latency_ms', 'p95 latency (ms, log)', ',.0f', { type: 'log' })],
    resolve: { scale: { color: 'shared' } },
  } as Spec;
}
