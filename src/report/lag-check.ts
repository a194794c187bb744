/**
 * A replay's latencies are only as good as its load generator: when requests left later than
 * scheduled, the measured latency includes harness delay. A run whose generator lag p99 exceeds
 * the bound (LAG_BOUND_MS of real time) is flagged in the summary rather than silently reported.
 */
import type { SummaryRow } from '../store/queries.js';

/** Real milliseconds of p99 generator lag beyond which a run is flagged. */
export const LAG_BOUND_MS = 5;

export function lagWarnings(rows: readonly SummaryRow[]): string[] {
  return rows.flatMap((r) => {
    if (r.mode !== 'replay' || r.p99_lag_ms === null) return [];
    const realLag = r.p99_lag_ms / (r.time_scale ?? 1);
    return realLag > LAG_BOUND_MS
      ? [`${r.strategy}: generator lag p99 ${realLag.toFixed(1)} ms real (${r.p99_lag_ms.toFixed(0)} ms scenario) exceeds ${LAG_BOUND_MS} ms: its latencies include harness delay; slow down (--time-scale) or reduce load`]
      : [];
  });
}
