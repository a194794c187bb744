/**
 * Cost against tail latency and against availability, side by side with a shared cost axis: one
 * point per strategy, named by a label placed so that no two labels (or a label and a point)
 * overlap (label-placement.ts), with leader lines where a label had to move away.
 *
 * Tie bands: the grey bands around the baseline's value on each axis are as wide as the typical
 * 95% interval of a difference from the baseline (the median over the other strategies of the
 * interval's half-width). A point inside a band is not clearly different from the baseline on that
 * axis; the axes always span the bands, so a tie never fills the whole axis and looks like a gap.
 * Pareto front: circles are strategies no other strategy beats on cost, p95 and success together.
 */
import { CONFIG, strategyColor, wrapLines, type Row, type Spec } from './chart-common.js';
import { placeLabels, type PlacedLabel } from './label-placement.js';

export interface FrontPoint {
  strategy: string;
  p95_latency_ms: number | null;
  cost_per_1k_usd: number | null;
  success_rate: number;
  pareto: boolean;
}

/** Half-widths of the tie band around the baseline, per axis (null: no band). */
export interface TieBands {
  p95_latency_ms: number | null;
  cost_per_1k_usd: number | null;
  success_rate: number | null;
}

export const PANEL_W = 410;
export const PANEL_H = 300;
const R = 6;

type Field = 'p95_latency_ms' | 'success_rate' | 'cost_per_1k_usd';

/** An axis domain spanning the values and the tie band around the baseline, padded by 8% each side. */
export function axisDomain(values: readonly number[], base: number | undefined, band: number | null, clamp?: [number, number]): [number, number] {
  const xs = [...values];
  if (base !== undefined && band !== null && band > 0) xs.push(base - band, base + band);
  let lo = Math.min(...xs);
  let hi = Math.max(...xs);
  if (!(hi > lo)) {
    const half = Math.abs(lo) * 0.05 || 1;
    lo -= half;
    hi += half;
  }
  const pad = (hi - lo) * 0.08;
  lo -= pad;
  hi += pad;
  if (clamp) [lo, hi] = [Math.max(clamp[0], lo), Math.min(clamp[1], hi)];
  return [lo, hi];
}

const toPx = (v: number, [lo, hi]: [number, number], size: number, flip: boolean) => (flip ? size - ((v - lo) / (hi - lo)) * size : ((v - lo) / (hi - lo)) * size);
const fromPx = (px: number, [lo, hi]: [number, number], size: number, flip: boolean) => lo + ((flip ? size - px : px) / size) * (hi - lo);

export interface PanelLayout {
  field: Field;
  domain: [number, number];
  labels: (PlacedLabel & { strategy: string })[];
}

export function layoutPanel(points: readonly FrontPoint[], field: Field, xDomain: [number, number], yDomain: [number, number]): PanelLayout {
  const usable = points.filter((p) => p[field] !== null && p.cost_per_1k_usd !== null);
  const placed = placeLabels(
    usable.map((p) => ({ x: toPx(p[field]!, xDomain, PANEL_W, false), y: toPx(p.cost_per_1k_usd!, yDomain, PANEL_H, true), r: R, text: p.strategy })),
    { width: PANEL_W, height: PANEL_H },
  );
  return { field, domain: xDomain, labels: placed.map((l, i) => ({ ...l, strategy: usable[i]!.strategy })) };
}

function panel(points: readonly FrontPoint[], layout: PanelLayout, yDomain: [number, number], base: FrontPoint | undefined, bands: TieBands | null, strategies: readonly string[], showY: boolean) {
  const { field, domain } = layout;
  const title = field === 'success_rate' ? 'success rate' : 'p95 latency (ms)';
  const format = field === 'success_rate' ? '.2%' : ',.0f';
  const x = { field: 'x', type: 'quantitative' as const, title, scale: { domain, nice: false, zero: false }, axis: { format, tickCount: 6 } };
  const y = { field: 'y', type: 'quantitative' as const, title: showY ? 'USD per 1k successful requests' : null, scale: { domain: yDomain, nice: false, zero: false }, axis: { format: '$,.3~f', tickCount: 6 } };
  // Bands are cut to the axes (a success-rate band near 100% would otherwise run past the plot).
  const cut = (v: number, [lo, hi]: [number, number]) => Math.min(hi, Math.max(lo, v));
  const xBand = base && bands?.[field] && base[field] !== null ? [{ x: cut(base[field]! - bands[field]!, domain), x2: cut(base[field]! + bands[field]!, domain) }] : [];
  const yBand =
    base && bands?.cost_per_1k_usd && base.cost_per_1k_usd !== null ? [{ y: cut(base.cost_per_1k_usd - bands.cost_per_1k_usd, yDomain), y2: cut(base.cost_per_1k_usd + bands.cost_per_1k_usd, yDomain) }] : [];
  const pts = points.filter((p) => p[field] !== null && p.cost_per_1k_usd !== null).map((p) => ({ ...p, x: p[field], y: p.cost_per_1k_usd, front: p.pareto ? 'on the Pareto front' : 'dominated' }));
  const labels: Row[] = layout.labels.map((l) => ({ strategy: l.strategy, x: fromPx(l.x, domain, PANEL_W, false), y: fromPx(l.y, yDomain, PANEL_H, true), align: l.align }));
  const leaders: Row[] = layout.labels
    .filter((l) => l.leader)
    .map((l) => ({ strategy: l.strategy, x: fromPx(l.leader!.x1, domain, PANEL_W, false), y: fromPx(l.leader!.y1, yDomain, PANEL_H, true), x2: fromPx(l.leader!.x2, domain, PANEL_W, false), y2: fromPx(l.leader!.y2, yDomain, PANEL_H, true) }));
  const text = (align: string) => ({
    data: { values: labels.filter((l) => l.align === align) },
    mark: { type: 'text' as const, align: align as 'left', baseline: 'middle' as const, fontSize: 11, color: '#222' },
    encoding: { x: { field: 'x', type: 'quantitative' as const, scale: { domain } }, y: { field: 'y', type: 'quantitative' as const, scale: { domain: yDomain } }, text: { field: 'strategy', type: 'nominal' as const } },
  });
  return {
    width: PANEL_W,
    height: PANEL_H,
    layer: [
      { data: { values: xBand }, mark: { type: 'rect' as const, color: '#bbb', opacity: 0.3 }, encoding: { x: { field: 'x', type: 'quantitative' as const, scale: { domain } }, x2: { field: 'x2' } } },
      { data: { values: yBand }, mark: { type: 'rect' as const, color: '#bbb', opacity: 0.3 }, encoding: { y: { field: 'y', type: 'quantitative' as const, scale: { domain: yDomain } }, y2: { field: 'y2' } } },
      { data: { values: leaders }, mark: { type: 'rule' as const, color: '#888', strokeWidth: 1 }, encoding: { x: { field: 'x', type: 'quantitative' as const, scale: { domain } }, y: { field: 'y', type: 'quantitative' as const, scale: { domain: yDomain } }, x2: { field: 'x2' }, y2: { field: 'y2' } } },
      {
        data: { values: pts },
        mark: { type: 'point' as const, filled: true, size: Math.round(Math.PI * R * R * 1.3), opacity: 1 },
        encoding: {
          x,
          y,
          color: strategyColor(strategies, null),
          shape: { field: 'front', type: 'nominal' as const, title: null, scale: { domain: ['on the Pareto front', 'dominated'], range: ['circle', 'triangle'] }, legend: null },
          tooltip: [
            { field: 'strategy', type: 'nominal' as const },
            { field: 'p95_latency_ms', type: 'quantitative' as const, format: ',.0f', title: 'p95 (ms)' },
            { field: 'cost_per_1k_usd', type: 'quantitative' as const, format: '$.4f', title: 'per 1k ok' },
            { field: 'success_rate', type: 'quantitative' as const, format: '.3%', title: 'success' },
          ],
        },
      },
      text('left'),
      text('right'),
      text('center'),
    ],
  };
}

/** `points` in summary order (the first is the baseline); `bands` from the comparisons with it. */
export function costVsLatencyChart(points: readonly FrontPoint[], strategies: readonly string[], bands: TieBands | null): Spec {
  const base = points[0];
  const usable = points.filter((p) => p.cost_per_1k_usd !== null);
  const yDomain = axisDomain(usable.map((p) => p.cost_per_1k_usd!), base?.cost_per_1k_usd ?? undefined, bands?.cost_per_1k_usd ?? null);
  const p95Domain = axisDomain(usable.filter((p) => p.p95_latency_ms !== null).map((p) => p.p95_latency_ms!), base?.p95_latency_ms ?? undefined, bands?.p95_latency_ms ?? null, [0, Infinity]);
  const srDomain = axisDomain(usable.map((p) => p.success_rate), base?.success_rate, bands?.success_rate ?? null, [0, 1]);
  const left = layoutPanel(points, 'p95_latency_ms', p95Domain, yDomain);
  const right = layoutPanel(points, 'success_rate', srDomain, yDomain);
  const baseline = base?.strategy ?? '';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Cost against tail latency and availability',
      subtitle: wrapLines([
        'better: left and down (p95), right and down (success); circles: no other strategy is as good on cost, p95 and success together',
        bands ? `grey bands: the typical 95% interval of a difference from ${baseline}; inside a band a strategy is not clearly different from ${baseline} on that axis` : 'one strategy: nothing to compare',
      ]),
    },
    config: CONFIG,
    hconcat: [panel(points, left, yDomain, base, bands, strategies, true), panel(points, right, yDomain, base, bands, strategies, false)],
    resolve: { scale: { color: 'shared', shape: 'shared' } },
  } as Spec;
}
