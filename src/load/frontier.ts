/**
 * The throughput frontier of an arm (Busbar's presentation): for each p99 bound, the highest
 * sustained throughput among the measured points whose p99 latency is within the bound and whose
 * error share (errors and drops over everything scheduled) is within the limit, from the closed-
 * and open-loop sweeps alike; plus the unbounded capacity (errors only). Pure: points in, cells out.
 */

export interface FrontierPoint {
  arm: string;
  loop: 'closed' | 'open';
  /** Connections (closed) or offered req/s (open). */
  level: number;
  /** Successful answers per second. */
  achievedRps: number;
  p99Ms: number | null;
  /** (errors + dropped) / (sent + dropped). */
  errorRate: number;
}

export interface FrontierCell {
  arm: string;
  /** Null: unbounded. */
  boundMs: number | null;
  /** The point that sets the value, or null when none qualifies. */
  point: FrontierPoint | null;
}

export function errorRate(p: { sent: number; errors: number; dropped: number }): number {
  const total = p.sent + p.dropped;
  return total === 0 ? 1 : (p.errors + p.dropped) / total;
}

export function throughputFrontier(points: readonly FrontierPoint[], boundsMs: readonly number[], maxErrorRate: number): FrontierCell[] {
  const arms = [...new Set(points.map((p) => p.arm))];
  const cells: FrontierCell[] = [];
  for (const arm of arms) {
    const usable = points.filter((p) => p.arm === arm && p.errorRate <= maxErrorRate && p.achievedRps > 0);
    for (const bound of [...boundsMs, null]) {
      let best: FrontierPoint | null = null;
      for (const p of usable) {
        if (bound !== null && (p.p99Ms === null || p.p99Ms > bound)) continue;
        if (!best || p.achievedRps > best.achievedRps) best = p;
      }
      cells.push({ arm, boundMs: bound, point: best });
    }
  }
  return cells;
}

/** How a point is named everywhere: `c=50` (closed loop) or `2,000/s open`. */
export function pointLabel(p: { loop: string; level: number }): string {
  return p.loop === 'closed' ? `c=${p.level}` : `${Math.round(p.level).toLocaleString('en-US')}/s open`;
}
