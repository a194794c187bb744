/** Each budget's use over time (share of its limit within its period), the limit at 100%. */
import { CONFIG, HEIGHT, timeAxis, WIDTH, withTime, type Row, type Spec } from './chart-common.js';

export function budgetUseChart(rows: readonly Row[], events: readonly Row[], spanMs: number): Spec {
  const axis = timeAxis(spanMs);
  const values = withTime(rows, axis).map((r) => ({ ...r, series: `${String(r.strategy)}: ${String(r.budget)}` }));
  const note = events.map((e) => `${String(e.strategy)}: ${e.blocked as number} blocked, ${e.downgraded as number} downgraded`).join(' · ');
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Budgets: spend against the limit', subtitle: note || 'share of each budget used in its period' },
    config: CONFIG,
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        data: { values },
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.8 },
        encoding: {
          x: { field: axis.field, type: 'quantitative', title: axis.title },
          y: { field: 'used', type: 'quantitative', title: 'share of the limit used', axis: { format: '%' } },
          color: { field: 'series', type: 'nominal', title: 'strategy: budget', legend: { labelLimit: 320 } },
          tooltip: [
            { field: 'series', type: 'nominal', title: 'budget' },
            { field: 'used', type: 'quantitative', format: '.1%', title: 'used' },
          ],
        },
      },
      { data: { values: [{ y: 1 }] }, mark: { type: 'rule', color: '#b2182b', strokeDash: [4, 3] }, encoding: { y: { field: 'y', type: 'quantitative' } } },
    ],
  };
}
