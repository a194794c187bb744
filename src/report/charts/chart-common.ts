/** Shared pieces of the report charts: sizes, the strategy colour scale and incident shading. */
import type { TopLevelSpec } from 'vega-lite';
import { strategyRange } from './palette.js';

export type Spec = TopLevelSpec;
export type Row = Record<string, unknown>;

export const WIDTH = 560;
export const HEIGHT = 220;

export const CONFIG = {
  font: 'DejaVu Sans, Helvetica, Arial, sans-serif',
  view: { stroke: 'transparent' },
  axis: { labelFontSize: 11, titleFontSize: 11, gridColor: '#e6e6e6' },
  legend: { labelFontSize: 11, titleFontSize: 11 },
  title: { fontSize: 13, anchor: 'start' as const, fontWeight: 'bold' as const },
};

/** The same colour for a strategy in every chart: domain in summary order, colours from palette.ts. */
export function strategyColor(strategies: readonly string[], legend: Record<string, unknown> | null = {}) {
  return { field: 'strategy', type: 'nominal' as const, title: 'strategy', scale: { domain: [...strategies], range: strategyRange(strategies) }, legend };
}

/** Time axis in hours (or minutes for short runs) from the start of the traffic. */
export function timeAxis(spanMs: number): { field: string; unit: number; title: string } {
  return spanMs >= 3 * 3_600_000 ? { field: 't_h', unit: 3_600_000, title: 'time (h from start)' } : { field: 't_min', unit: 60_000, title: 'time (min from start)' };
}

/** Adds the time-axis field to rows that carry t_ms. */
export function withTime<T extends Row>(rows: readonly T[], axis: { field: string; unit: number }, field = 't_ms'): (T & Record<string, number>)[] {
  return rows.map((r) => ({ ...r, [axis.field]: (r[field] as number) / axis.unit }));
}

export interface Incident {
  name: string;
  kind: string;
  targets: string;
  start_ms: number;
  end_ms: number;
}

/** A layer shading incident windows (empty when there are none). */
export function incidentLayer(incidents: readonly Incident[], axis: { field: string; unit: number }) {
  return {
    data: { values: incidents.map((i) => ({ ...i, x0: i.start_ms / axis.unit, x1: i.end_ms / axis.unit, label: `${i.name} (${i.kind}: ${i.targets})` })) },
    mark: { type: 'rect' as const, color: '#f4a582', opacity: 0.25 },
    encoding: {
      x: { field: 'x0', type: 'quantitative' as const },
      x2: { field: 'x1' },
      tooltip: [{ field: 'label', type: 'nominal' as const, title: 'incident' }],
    },
  };
}

/**
 * Subtitle lines broken at spaces to at most `max` characters: the static SVG renderer sizes a chart
 * by an estimate of its text width, so one long line would widen the image far past the plot.
 */
export function wrapLines(lines: readonly string[], max = 96): string[] {
  const out: string[] = [];
  for (const line of lines) {
    let cur = '';
    for (const word of line.split(' ')) {
      if (cur && cur.length + 1 + word.length > max) {
        out.push(cur);
        cur = word;
      } else cur = cur ? `${cur} ${word}` : word;
    }
    out.push(cur);
  }
  return out;
}
