/** Success rate and p95 latency over time per strategy, incident windows shaded. */
import { CONFIG, HEIGHT, incidentLayer, strategyColor, timeAxis, WIDTH, withTime, type Incident, type Row, type Spec } from './chart-common.js';

export function overTimeChart(rows: readonly Row[], incidents: readonly Incident[], strategies: readonly string[], spanMs: number): Spec {
  const axis = timeAxis(spanMs);
  const values = withTime(rows, axis);
  const panel = (field: string, title: string, format: string, scale: Record<string, unknown>) => ({
    width: WIDTH,
    height: HEIGHT,
    layer: [
      incidentLayer(incidents, axis),
      {
        data: { values },
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
