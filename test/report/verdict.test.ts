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
// a 30-day month over a 1-day window: the window total is a 30th of the monthly one
const monthly = (strategy: string, monthlyTotalUsd: number) => ({ strategy, monthlyTotalUsd, totalUsd: monthlyTotalUsd / 30 }) as StrategyCosts;

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
    // gw-cheap spends least in total ($665/month), but gw-bypass less per successful request:
    // 665/30 / 96,000 × 1000 = $0.2309 per 1k ok against 687/30 / 99,800 × 1000 = $0.2295
    expect(v.cheapest.strategy).toBe('gw-bypass');
    expect(verdictLines(v)[2]).toBeUndefined(); // the cheapest overall is the cheapest passing: one line
    const cheaper = verdict(rows, thresholds, [monthly('direct', 967), monthly('gw-cheap', 650), monthly('gw-bypass', 687)])!;
    expect(cheaper.cheapest.strategy).toBe('gw-cheap'); // 650/30 / 96,000 × 1000 = $0.2257
    // per 1k ok, by hand: 967/30 / 99,990 × 1000 = $0.3224; 687/30 / 99,800 × 1000 = $0.2295; 650/30 / 96,000 × 1000 = $0.2257
    expect(verdictLines(cheaper)).toEqual([
      'most available: direct: 99.990% success, $967/month, $0.3224 per 1k ok with fees',
      'cheapest meeting every threshold: gw-bypass: 99.80% success, $687/month, $0.2295 per 1k ok with fees',
      'cheapest overall: gw-cheap: 96.00% success, $650/month, $0.2257 per 1k ok with fees, but fails success_rate > 0.99',
    ]);
    expect(verdictMarkdown(v)).toContain('- **cheapest meeting every threshold**: gw-bypass');
  });

  it('uses the window cost without gateways, and says when nothing passes', () => {
    const failing = new Map([...thresholds].map(([k, v]) => [k, v.map((t) => ({ ...t, passed: false }))]));
    const v = verdict(rows, failing, [])!;
    expect(v.cost_basis).toBe('window');
    // gw-cheap: $20 for 96,000 successes ($0.2083 per 1k) beats gw-bypass's $21 for 99,800 ($0.2104)
    expect(v.cheapest.cost_usd).toBe(20);
    expect(v.cheapest.cost_per_1k_ok_usd).toBeCloseTo((20 / 96_000) * 1000, 12);
    expect(verdictLines(v)[1]).toBe('cheapest meeting every threshold: none meets them all');
  });

  it('without thresholds, only the most available and the cheapest; nothing for fewer than two complete runs', () => {
    expect(verdictLines(verdict(rows, new Map(), [])!)).toEqual(['most available: direct: 99.990% success, $30.00, $0.3000 per 1k ok', 'cheapest: gw-cheap: 96.00% success, $20.00, $0.2083 per 1k ok']);
    expect(verdict([rows[0]!, rows[3]!], thresholds, [])).toBeUndefined();
  });

  it('says when the most available is not significantly ahead (the difference is within noise)', () => {
    const few = [row('a', 0.999, 10, 'ok', 1000), row('b', 0.998, 5, 'ok', 1000), row('c', 0.9, 1, 'ok', 1000)];
    const v = verdict(few, new Map(), [])!;
    expect(v.tied_with_most_available).toEqual(['b']);
    expect(verdictLines(v)[0]).toBe('most available: a: 99.90% success, $10.00, $10.01 per 1k ok (not significantly ahead of b)');
  });

  it('ranks "cheapest" per successful request: spending less by answering fewer requests is not cheaper', () => {
    // Same 1,000 requests each. flaky's failures are unbilled, so it spends least in total
    // ($5.00 for 500 answers = $10.00 per 1k ok); steady spends $8.00 for 1,000 ($8.00 per 1k ok);
    // dead answers nothing and spends nothing: no cost per success at all, so it ranks last.
    const few = [row('steady', 1, 8, 'ok', 1000), row('flaky', 0.5, 5, 'ok', 1000), row('dead', 0, 0, 'ok', 1000)];
    const v = verdict(few, new Map(), [])!;
    expect(v.cheapest.strategy).toBe('steady');
    expect(v.cheapest.cost_per_1k_ok_usd).toBe(8);
    expect(verdictLines(v)).toEqual(['most available: steady: 100.00% success, $8.00, $8.00 per 1k ok', 'cheapest: steady, the most available too']);
    const passing = verdict(few, new Map([['run-steady', [th('p95_latency_ms', false)]], ['run-flaky', [th('p95_latency_ms', true)]], ['run-dead', [th('p95_latency_ms', true)]]]), [])!;
    expect(passing.cheapest_passing?.strategy).toBe('flaky');
    expect(verdictLines(passing).at(-1)).toBe('cheapest overall: steady: 100.00% success, $8.00, $8.00 per 1k ok, but fails p95_latency_ms > 0.99');
    const dead = verdict([few[2]!, row('dead-too', 0, 0, 'ok', 1000)], new Map(), [])!;
    expect(verdictLines(dead)).toEqual(['most available: dead: 0.00% success, $0.0000, no successful request (not significantly ahead of dead-too)', 'cheapest: dead, the most available too']);
    expect(JSON.stringify(dead)).not.toMatch(/NaN|Infinity/);
    expect(verdictMarkdown(v)).toContain('Cheapest means the lowest cost per successful request');
  });
});
