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
import { CONFIG, strategyColor, WIDTH, wrapLines, type Row, type Spec } from './chart-common.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.floor((s.length - 1) / 2)]!;
}

/**
 * The y scale: symlog when, in some panel, the largest bound is over 30 times that panel's typical
 * size (the larger of its median difference and its median interval half-width), else linear.
 */
export function shiftScale(points: readonly ShiftPoint[]): { type: 'linear' } | { type: 'symlog'; constant: number } {
  const panels = [...new Set(points.map((p) => p.strategy))].map((s) => points.filter((p) => p.strategy === s));
  const typical = panels.map((ps) =>
    Math.max(1, median(ps.map((p) => Math.abs(p.delta_ms))), median(ps.filter((p) => p.lo_ms !== null && p.hi_ms !== null).map((p) => (p.hi_ms! - p.lo_ms!) / 2))),
  );
  const extreme = panels.map((ps) => Math.max(0, ...ps.flatMap((p) => [p.delta_ms, p.lo_ms ?? 0, p.hi_ms ?? 0].map(Math.abs))));
  return extreme.some((e, i) => e > 30 * typical[i]!) ? { type: 'symlog', constant: Math.max(1, Math.round(median(typical))) } : { type: 'linear' };
}

/** Two invisible rows per strategy 6% beyond its extremes (and 0) in symlog space: the panel's margin. */
function symlogPads(points: readonly ShiftPoint[], c: number): Row[] {
  const f = (y: number) => Math.sign(y) * Math.log1p(Math.abs(y) / c);
  const inv = (t: number) => Math.sign(t) * c * Math.expm1(Math.abs(t));
  return [...new Set(points.map((p) => p.strategy))].flatMap((strategy) => {
    const ts = points.filter((p) => p.strategy === strategy).flatMap((p) => [p.delta_ms, p.lo_ms ?? p.delta_ms, p.hi_ms ?? p.delta_ms]).concat(0).map(f);
    const [lo, hi] = [Math.min(...ts), Math.max(...ts)];
    const pad = (hi - lo) * 0.06;
    return [lo - pad, hi + pad].map((t) => ({ strategy, pad: true, pad_ms: inv(t) }));
  });
}

/** Symlog ticks: 0 and ±powers of ten from about the linear range out to the largest bound, so labels never crowd. */
function symlogTicks(points: readonly ShiftPoint[], constant: number): number[] {
  const extreme = Math.max(1, ...points.flatMap((p) => [p.delta_ms, p.lo_ms ?? 0, p.hi_ms ?? 0].map(Math.abs)));
  const ticks = [0];
  for (let v = 10 ** Math.ceil(Math.log10(Math.max(1, constant * 2))); v <= extreme * 1.5; v *= 10) ticks.push(v, -v);
  return ticks.sort((a, b) => a - b);
}

export function latencyShiftChart(points: readonly ShiftPoint[], baseline: string, strategies: readonly string[], quantiles: readonly string[]): Spec {
  const scale = shiftScale(points);
  const values: Row[] = [...points.map((p) => ({ ...p, significant: p.verdict === 'faster' || p.verdict === 'slower' })), ...(scale.type === 'symlog' ? symlogPads(points, scale.constant) : [])];
  const real = { filter: '!datum.pad' };
  const y = {
    field: 'delta_ms',
    type: 'quantitative' as const,
    title: scale.type === 'symlog' ? 'difference, ms (symlog)' : 'difference, ms',
    // A 'nice' or padded symlog domain makes vega drop tick labels inside it: symlog panels are
    // padded by invisible points instead (symlogPads).
    scale: scale.type === 'linear' ? { ...scale, nice: true, padding: 8 } : { ...scale, nice: false },
    axis: scale.type === 'symlog' ? { format: '+,.0f', values: symlogTicks(points, scale.constant), labelOverlap: false } : { format: '+,.0f', tickCount: 5 },
  };
  const x = { field: 'quantile', type: 'ordinal' as const, sort: [...quantiles], title: 'quantile of successful-request latency', axis: { labelAngle: 0 } };
  const others = strategies.filter((s) => s !== baseline);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Latency compared with ${baseline}, quantile by quantile`,
      subtitle: wrapLines([
        `each dot: the strategy's latency minus ${baseline}'s at that quantile (below 0: faster); bar: 95% bootstrap interval`,
        'filled: the interval excludes 0 (a real difference); hollow: a tie',
      ]),
    },
    config: CONFIG,
    data: { values },
    facet: { row: { field: 'strategy', type: 'nominal', title: null, sort: others, header: { labelAngle: 0, labelAlign: 'left', labelFontWeight: 'bold', labelLimit: 150 } } },
    spec: {
      width: WIDTH - 80,
      height: 110,
      layer: [
        { mark: { type: 'rule', color: '#555', strokeWidth: 1 }, encoding: { y: { datum: 0, type: 'quantitative' } } },
        { transform: [{ filter: '!!datum.pad' }], mark: { type: 'point', opacity: 0 }, encoding: { y: { ...y, field: 'pad_ms' } } },
        {
          transform: [real],
          mark: { type: 'rule', strokeWidth: 2.5, opacity: 0.7 },
          encoding: { x, y: { ...y, field: 'lo_ms' }, y2: { field: 'hi_ms' }, color: strategyColor(strategies, null) },
        },
        {
          transform: [real],
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
