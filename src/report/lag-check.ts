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

/** Strategies that choose targets by measured latency or throughput. */
export const LATENCY_ADAPTIVE = new Set(['least-latency', 'hedge', 'p2c', 'openrouter', 'litellm']);
/** Harness overhead (p99, scenario ms) above this share of the smallest gap between targets' p50 latency is flagged. */
export const HARNESS_GAP_SHARE = 0.1;

/** The replay harness's own numbers for a run, in scenario time, or undefined when not a measured replay. */
export function harnessLine(r: SummaryRow): string | undefined {
  if (r.mode !== 'replay' || r.p50_harness_ms === null) return undefined;
  const f = (v: number | null) => (v === null ? '–' : `${v.toFixed(1)} ms`);
  return `${r.strategy}: replay harness, in scenario time at ${r.time_scale ?? 1}×: generator lag p99 ${f(r.p99_lag_ms)}, own time per attempt (send to first byte beyond the mock's schedule) p50 ${f(r.p50_harness_ms)}, p99 ${f(r.p99_harness_ms)}`;
}

/**
 * A latency-adaptive strategy replayed at a high time scale measures the harness too: each
 * attempt's latency carries the harness's own time × the scale. When that is no longer small
 * beside the latency gaps between targets, the strategy's choices can follow harness noise.
 */
export function harnessWarnings(rows: readonly SummaryRow[]): string[] {
  return rows.flatMap((r) => {
    if (r.mode !== 'replay' || r.p99_harness_ms === null || r.min_target_gap_ms === null || !LATENCY_ADAPTIVE.has(r.strategy_use)) return [];
    // the tail, not the median: one late sample is enough to flip a choice between near-equal targets
    if (!(r.p99_harness_ms > HARNESS_GAP_SHARE * r.min_target_gap_ms)) return [];
    return [
      `${r.strategy}: the harness's own time per attempt (p99 ${r.p99_harness_ms.toFixed(1)} ms of scenario time at ${r.time_scale ?? 1}×) exceeds ${HARNESS_GAP_SHARE * 100}% of the smallest latency gap between its targets (${r.min_target_gap_ms.toFixed(1)} ms): as a latency-adaptive strategy it may route by harness noise; replay at a lower --time-scale or compare with simulate`,
    ];
  });
}
