import { describe, expect, it } from 'vitest';
import type { StrategyCosts } from '../../src/report/costs-section.js';
import type { ThresholdResult } from '../../src/report/thresholds.js';
import { verdict, verdictLines, verdictMarkdown } from '../../src/report/verdict.js';
import type { SummaryRow } from '../../src/store/queries.js';

let n = 0;
const row = (strategy: string, success_rate: number, total_cost_usd: number, status = 'ok', requests = 100_000): SummaryRow => ({
  run_no: ++n, run_id: `run-${strategy}`, run_group: 'g', scenario: 's', strategy, strategy_use: strategy, status,
  requests, successes: Math.round(success_rate * requests), success_rate, p50_latency_ms: 1, p95_latency_ms: 1, p99_latency_ms: 1,
  p50_ttft_ms: 1, mean_attempts: 1, failover_rate: 0, total_cost_usd, wasted_cost_usd: 0, cost_per_1k_usd: 1,
  traffic_ms: 86_400_000, skipped_rows: 0, mode: 'simulate', p99_lag_ms: null, time_scale: null, note: null, p50_overhead_ms: null, p99_overhead_ms: null, p50_wait_ms: null, p99_wait_ms: null, p50_harness_ms: null, p99_harness_ms: null, min_target_gap_ms: null,
});
const th = (metric: string, passed: boolean): ThresholdResult => ({ metric, threshold: '> 0.99', passed, actual: 0.5 }) as ThresholdResult;
const monthly = (strategy: string, monthlyTotalUsd: number) => ({ strategy, monthlyTotalUsd }) as StrategyCosts;

describe('verdict', () => {
  const rows = [row('direct', 0.9999, 30), row('gw-cheap', 0.96, 20), row('gw-bypass', 0.998, 21), row('broken', 0.2, 1, 'error')];
  const thresholds = new Map([
    ['run-direct', [th('success_rate', true)]],
    ['run-gw-cheap', [th('success_rate', false)]],
    ['run-gw-bypass', [th('success_rate', true)]],
  ]);

  it('names the most available, the cheapest meeting every threshold, and what the cheapest gives up', () => {
    const v = verdict(rows, thresholds, [monthly('direct', 967), monthly('gw-cheap', 665), monthly('gw-bypass', 687)])!;
    expect(v.cost_basis).toBe('month');
    expect(v.most_available.strategy).toBe('direct');
    expect(v.cheapest_passing?.strategy).toBe('gw-bypass');
    expect(v.cheapest.strategy).toBe('gw-cheap');
    expect(verdictLines(v)).toEqual([
      'most available: direct: 99.990% success, $967/month',
      'cheapest meeting every threshold: gw-bypass: 99.80% success, $687/month',
      'cheapest overall: gw-cheap: 96.00% success, $665/month, but fails success_rate > 0.99',
    ]);
    expect(verdictMarkdown(v)).toContain('- **cheapest meeting every threshold**: gw-bypass');
  });

  it('uses the window cost without gateways, and says when nothing passes', () => {
    const failing = new Map([...thresholds].map(([k, v]) => [k, v.map((t) => ({ ...t, passed: false }))]));
    const v = verdict(rows, failing, [])!;
    expect(v.cost_basis).toBe('window');
    expect(v.cheapest.cost_usd).toBe(20);
    expect(verdictLines(v)[1]).toBe('cheapest meeting every threshold: none meets them all');
  });

  it('without thresholds, only the most available and the cheapest; nothing for fewer than two complete runs', () => {
    expect(verdictLines(verdict(rows, new Map(), [])!)).toEqual(['most available: direct: 99.990% success, $30.00', 'cheapest: gw-cheap: 96.00% success, $20.00']);
    expect(verdict([rows[0]!, rows[3]!], thresholds, [])).toBeUndefined();
  });

  it('says when the most available is not significantly ahead (the difference is within noise)', () => {
    const few = [row('a', 0.999, 10, 'ok', 1000), row('b', 0.998, 5, 'ok', 1000), row('c', 0.9, 1, 'ok', 1000)];
    const v = verdict(few, new Map(), [])!;
    expect(v.tied_with_most_available).toEqual(['b']);
    expect(verdictLines(v)[0]).toBe('most available: a: 99.90% success, $10.00 (not significantly ahead of b)');
  });
});
