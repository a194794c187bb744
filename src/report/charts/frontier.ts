/**
 * Throughput frontier: p99 latency against successful req/s for every measured point of every arm,
 * both axes on log scales, one line per arm and loop (closed: connection sweep, solid, circles;
 * open: rate sweep, dashed, triangles),
 * the p99 bounds as dashed rules and the points the frontier picked ringed. Lower right is better.
 */
import { CONFIG, HEIGHT, WIDTH, type Row, type Spec } from './chart-common.js';

export interface FrontierChartPoint {
  arm: string;
  loop: string;
  level: number;
  achieved_rps: number;
  p99_ms: number | null;
  error_rate: number;
  picked: boolean;
}

export function frontierChart(points: readonly FrontierChartPoint[], arms: readonly string[], boundsMs: readonly number[]): Spec {
  const values: Row[] = points
    .filter((p) => p.p99_ms !== null && p.p99_ms > 0 && p.achieved_rps > 0)
    .map((p) => ({ ...p, series: `${p.arm} (${p.loop})`, label: p.loop === 'closed' ? `c=${p.level}` : `${Math.round(p.level)}/s offered` }))
    .sort((a, b) => String(a.series).localeCompare(String(b.series)) || (a.achieved_rps as number) - (b.achieved_rps as number));
  const color = { field: 'arm', type: 'nominal' as const, title: 'arm', scale: { domain: [...arms], scheme: 'tableau10' } };
  const x = { field: 'achieved_rps', type: 'quantitative' as const, title: 'successful requests per second (log)', scale: { type: 'log' as const } };
  const y = { field: 'p99_ms', type: 'quantitative' as const, title: 'p99 latency, ms (log)', scale: { type: 'log' as const } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Throughput frontier: p99 latency vs req/s', subtitle: ['per sweep level; closed loop: solid, circles; open: dashed, triangles', 'ringed: the most req/s within each p99 bound (grey rules)'] },
    width: WIDTH,
    height: HEIGHT + 80,
    config: CONFIG,
    layer: [
      {
        data: { values: boundsMs.map((b) => ({ bound: b, text: `p99 ≤ ${b} ms` })) },
        layer: [
          { mark: { type: 'rule', strokeDash: [4, 4], color: '#999' }, encoding: { y: { field: 'bound', type: 'quantitative' } } },
          { mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: '#777', fontSize: 10 }, encoding: { y: { field: 'bound', type: 'quantitative' }, x: { value: 0 }, text: { field: 'text' } } },
        ],
      },
      {
        data: { values },
        mark: { type: 'line', point: { filled: true, size: 60 } },
        encoding: {
          x,
          y,
          color,
          detail: { field: 'series', type: 'nominal' },
          strokeDash: { field: 'loop', type: 'nominal', scale: { domain: ['closed', 'open'], range: [[1, 0], [5, 3]] }, legend: null },
          shape: { field: 'loop', type: 'nominal', scale: { domain: ['closed', 'open'], range: ['circle', 'triangle-up'] }, legend: null },
          order: { field: 'achieved_rps', type: 'quantitative' },
          tooltip: [
            { field: 'arm', type: 'nominal' },
            { field: 'label', type: 'nominal', title: 'level' },
            { field: 'achieved_rps', type: 'quantitative', format: ',.0f', title: 'req/s' },
            { field: 'p99_ms', type: 'quantitative', format: ',.3f', title: 'p99 (ms)' },
            { field: 'error_rate', type: 'quantitative', format: '.3%', title: 'errors' },
          ],
        },
      },
      {
        data: { values: values.filter((v) => v.picked) },
        mark: { type: 'point', size: 260, strokeWidth: 2, filled: false },
        encoding: { x, y, color },
      },
    ],
  };
}
