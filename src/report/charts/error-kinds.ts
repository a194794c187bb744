/** Failed attempts by error kind per strategy, split into faults absorbed and faults the caller saw. */
import { CONFIG, WIDTH, type Row, type Spec } from './chart-common.js';

export function errorKindsChart(rows: readonly Row[], strategies: readonly string[]): Spec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Faults met, and which ones reached the caller', subtitle: 'failed attempts by error kind; absorbed = the request still succeeded' },
    config: CONFIG,
    data: { values: rows as Row[] },
    facet: { row: { field: 'strategy', type: 'nominal', title: null, sort: [...strategies], header: { labelAngle: 0, labelAlign: 'left', labelFontWeight: 'bold' } } },
    spec: {
      width: WIDTH - 60,
      height: { step: 14 },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'error_kind', type: 'nominal', title: null, sort: '-x' },
        x: { field: 'attempts', type: 'quantitative', title: 'failed attempts' },
        color: { field: 'fate', type: 'nominal', title: null, scale: { domain: ['absorbed', 'reached the caller'], range: ['#9ecae1', '#d6604d'] } },
        tooltip: [
          { field: 'strategy', type: 'nominal' },
          { field: 'error_kind', type: 'nominal' },
          { field: 'fate', type: 'nominal' },
          { field: 'attempts', type: 'quantitative', format: ',' },
        ],
      },
    },
    resolve: { scale: { y: 'independent' } },
  };
}
