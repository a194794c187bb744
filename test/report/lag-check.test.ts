import { describe, expect, it } from 'vitest';
import { reportHtml } from '../../src/report/html-page.js';
import { LAG_BOUND_MS, lagWarnings } from '../../src/report/lag-check.js';
import type { SummaryRow } from '../../src/store/queries.js';

const row = (over: Partial<SummaryRow>): SummaryRow => ({
  run_no: 1, run_id: 'r1', run_group: 'g', scenario: 's', strategy: 'fallback', strategy_use: 'fallback', status: 'ok',
  requests: 100, successes: 100, success_rate: 1, p50_latency_ms: 500, p95_latency_ms: 900, p99_latency_ms: 1200,
  p50_ttft_ms: 300, mean_attempts: 1, failover_rate: 0, total_cost_usd: 1, wasted_cost_usd: 0, cost_per_1k_usd: 10,
  traffic_ms: 60_000, skipped_rows: 0, mode: 'replay', p99_lag_ms: 1, time_scale: 1, note: null, p50_overhead_ms: null, p99_overhead_ms: null, p50_wait_ms: null, p99_wait_ms: null, p50_harness_ms: null, p99_harness_ms: null, min_target_gap_ms: null, ...over,
});

describe('generator lag flag', () => {
  it('flags a replay whose p99 lag in real time exceeds the bound', () => {
    const w = lagWarnings([row({ p99_lag_ms: LAG_BOUND_MS + 2 })]);
    expect(w).toHaveLength(1);
    expect(w[0]).toContain('fallback');
    expect(w[0]).toContain('--time-scale');
  });

  it('converts scenario-ms lag back to real ms with the time scale', () => {
    // 40 scenario-ms at 10x is 4 real ms: within the bound; at 5x it is 8 real ms: flagged.
    expect(lagWarnings([row({ p99_lag_ms: 40, time_scale: 10 })])).toEqual([]);
    expect(lagWarnings([row({ p99_lag_ms: 40, time_scale: 5 })])).toHaveLength(1);
  });

  it('never flags simulated runs or runs without lag data', () => {
    expect(lagWarnings([row({ mode: 'simulate', p99_lag_ms: 10_000 })])).toEqual([]);
    expect(lagWarnings([row({ p99_lag_ms: null })])).toEqual([]);
  });

  it('shows the flag in the HTML report', () => {
    const page = (lag: number) =>
      reportHtml({
        scenario: 's', runGroup: 'g', traffic: 't', rows: [row({ p99_lag_ms: lag })], winners: [], bestRule: "with requests", thresholds: new Map(),
        charts: [], errors: [], reasons: [], incidents: [], footer: '',
      });
    expect(page(50)).toContain('class="warn"');
    expect(page(1)).not.toContain('class="warn"');
  });
});
