/**
 * The latency shift plot: one panel per strategy, its latency minus the baseline's at each
 * quantile (p5 … p99.9) with the 95% bootstrap interval as a bar. Below zero the strategy is
 * faster at that quantile; a filled dot means the interval excludes zero. Overlapping CDFs on a
 * log axis hide exactly these differences; here the difference is the y axis.
 *
 * When the tail differences dwarf the body's (a timeout at p99 against a few ms at p50), the y axis
 * is symmetric-log: linear within ±`constant` ms, logarithmic beyond, so both stay readable.
 */
import type { ShiftPoint } from '../latency-shift.js';
import { CONFIG, strategyColor, WIDTH, type Row, type Spec } from './chart-common.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.floor((s.length - 1) / 2)]!;
}

/** The y scale: linear, or symlog when the largest bound is far beyond the typical difference. */
export function shiftScale(points: readonly ShiftPoint[]): { type: 'linear' } | { type: 'symlog'; constant: number } {
  const typical = Math.max(1, median(points.map((p) => Math.abs(p.delta_ms))));
  const extreme = Math.max(0, ...points.flatMap((p) => [p.delta_ms, p.lo_ms ?? 0, p.hi_ms ?? 0].map(Math.abs)));
  return extreme > 30 * typical ? { type: 'symlog', constant: Math.max(1, Math.round(typical)) } : { type: 'linear' };
}

/** Symlog ticks: 0 and ±powers of ten from about the linear range out to the largest bound, so labels never crowd. */
function symlogTicks(points: readonly ShiftPoint[], constant: number): number[] {
  const extreme = Math.max(1, ...points.flatMap((p) => [p.delta_ms, p.lo_ms ?? 0, p.hi_ms ?? 0].map(Math.abs)));
  const ticks = [0];
  for (let v = 10 ** Math.ceil(Math.log10(Math.max(1, constant * 2))); v <= extreme * 1.5; v *= 10) ticks.push(v, -v);
  return ticks.sort((a, b) => a - b);
}

export function latencyShiftChart(points: readonly ShiftPoint[], baseline: string, strategies: readonly string[], quantiles: readonly string[]): Spec {
  const values: Row[] = points.map((p) => ({ ...p, significant: p.verdict === 'faster' || p.verdict === 'slower' }));
  const scale = shiftScale(points);
  const y = {
    field: 'delta_ms',
    type: 'quantitative' as const,
    title: scale.type === 'symlog' ? 'difference, ms (symlog)' : 'difference, ms',
    // (a 'nice' symlog domain makes vega drop tick labels inside it; pad by pixels instead)
    scale: { ...scale, nice: scale.type === 'linear', padding: 8 },
    axis: scale.type === 'symlog' ? { format: '+,.0f', values: symlogTicks(points, scale.constant), labelOverlap: false } : { format: '+,.0f', tickCount: 5 },
  };
  const x = { field: 'quantile', type: 'ordinal' as const, sort: [...quantiles], title: 'quantile of successful-request latency', axis: { labelAngle: 0 } };
  const others = strategies.filter((s) => s !== baseline);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Latency compared with ${baseline}, quantile by quantile`,
      subtitle: [
        `each dot: the strategy's latency minus ${baseline}'s at that quantile (below 0: faster); bar: 95% bootstrap interval`,
        'filled: the interval excludes 0 (a real difference); hollow: a tie',
      ],
    },
    config: CONFIG,
    data: { values },
    facet: { row: { field: 'strategy', type: 'nominal', title: null, sort: others, header: { labelAngle: 0, labelAlign: 'left', labelFontWeight: 'bold', labelLimit: 150 } } },
    spec: {
      width: WIDTH - 80,
      height: 110,
      layer: [
        { mark: { type: 'rule', color: '#555', strokeWidth: 1 }, encoding: { y: { datum: 0, type: 'quantitative' } } },
        {
          mark: { type: 'rule', strokeWidth: 2.5, opacity: 0.7 },
          encoding: { x, y: { ...y, field: 'lo_ms' }, y2: { field: 'hi_ms' }, color: strategyColor(strategies, null) },
        },
        {
          mark: { type: 'point', size: 55, strokeWidth: 1.8 },
          encoding: {
            x,
            y,
            color: strategyColor(strategies, null),
            fill: { condition: { test: 'datum.significant', field: 'strategy', type: 'nominal', scale: { domain: [...strategies], range: strategyColorRange(strategies) }, legend: null }, value: 'white' },
            tooltip: [
              { field: 'strategy', type: 'nominal' },
              { field: 'quantile', type: 'nominal' },
              { field: 'baseline_ms', type: 'quantitative', format: ',.1f', title: `${baseline} (ms)` },
              { field: 'candidate_ms', type: 'quantitative', format: ',.1f', title: 'this strategy (ms)' },
              { field: 'delta_ms', type: 'quantitative', format: '+,.1f', title: 'difference (ms)' },
              { field: 'lo_ms', type: 'quantitative', format: '+,.1f', title: '95% CI from' },
              { field: 'hi_ms', type: 'quantitative', format: '+,.1f', title: '95% CI to' },
              { field: 'verdict', type: 'nominal' },
            ],
          },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
  } as Spec;
}

const strategyColorRange = (strategies: readonly string[]) => strategyColor(strategies).scale.range;
