/**
 * The summary table with too few requests for what it shows: a p95 of fewer than 20 successful
 * requests (or a p99 of fewer than 100) has no request beyond it, and a run with no request has no
 * success rate. Thresholds worked out by hand: n·(1 − p) < 1.
 */
import { describe, expect, it } from 'vitest';
import { formatSummaryTable } from '../../src/cli/summary-table.js';
import { reportHtml } from '../../src/report/html-page.js';
import type { SummaryJson } from '../../src/report/write-summary.js';
import { summaryMarkdown, thinQuantile } from '../../src/report/summary-markdown.js';
import type { SummaryRow } from '../../src/store/queries.js';

const row = (over: Partial<SummaryRow>): SummaryRow => ({
  run_no: 1, run_id: 'r1', run_group: 'g', scenario: 's', strategy: 'fallback', strategy_use: 'fallback', status: 'ok',
  requests: 200, successes: 200, success_rate: 1, p50_latency_ms: 500, p95_latency_ms: 900, p99_latency_ms: 1200,
  p50_ttft_ms: 300, mean_attempts: 1, failover_rate: 0, total_cost_usd: 1, wasted_cost_usd: 0, cost_per_1k_usd: 5,
  traffic_ms: 60_000, skipped_rows: 0, mode: 'simulate', p99_lag_ms: null, time_scale: null, note: null, p50_overhead_ms: null, p99_overhead_ms: null,
  p50_wait_ms: null, p99_wait_ms: null, p50_harness_ms: null, p99_harness_ms: null, min_target_gap_ms: null, ...over,
});

const markdown = (rows: SummaryRow[]) => summaryMarkdown({ scenario: 's', runGroup: 'g', traffic: 't', rows, thresholds: new Map(), errors: [], reasons: [], skippedRows: 0, interrupted: false });
const html = (rows: SummaryRow[], winners: Parameters<typeof reportHtml>[0]['winners'] = []) =>
  reportHtml({ scenario: 's', runGroup: 'g', traffic: 't', rows, winners, bestRule: 'with requests', thresholds: new Map(), charts: [], errors: [], reasons: [], incidents: [], footer: '' });
const terminal = (rows: SummaryRow[]) =>
  formatSummaryTable({ scenario: 's', run_group: 'g', traffic: 't', interrupted: false, skipped_rows: 0, strategies: rows.map((r) => ({ ...r, thresholds: [] })), errors: [], top_reasons: [], costs: [], skipped: [], dlp: [] } as SummaryJson, 'reports/s');
/** The cells of the summary row of a strategy in the Markdown table. */
const mdCells = (md: string, strategy: string) => md.split('\n').find((l) => l.startsWith(`| **${strategy}**`))!.split(' | ');

describe('percentiles of too few successful requests', () => {
  it('needs 20 for p95 and 100 for p99 (one request beyond the percentile)', () => {
    expect([19, 20].map((n) => thinQuantile(0.95, n))).toEqual([true, false]);
    expect([99, 100].map((n) => thinQuantile(0.99, n))).toEqual([true, false]);
    expect(thinQuantile(0.99, 0)).toBe(false);
  });

  it('marks them in the Markdown summary, with the footnote only when something is marked', () => {
    const md = markdown([row({ strategy: 'few', successes: 19, requests: 20, success_rate: 0.95 }), row({ strategy: 'many' })]);
    const few = mdCells(md, 'few');
    expect(few[3]).toBe('900 ms*');
    expect(few[4]).toBe('1,200 ms*');
    const many = mdCells(md, 'many');
    expect(many[3]).toBe('900 ms');
    expect(many[4]).toBe('1,200 ms');
    expect(md).toContain('\\* fewer than 20 successful requests (p95) or 100 (p99)');
    expect(markdown([row({ strategy: 'many' })])).not.toContain('fewer than 20 successful requests');
    // 50 successes: p95 has 2.5 requests beyond it, p99 none
    const mid = mdCells(markdown([row({ strategy: 'mid', successes: 50, requests: 50 })]), 'mid');
    expect([mid[3], mid[4]]).toEqual(['900 ms', '1,200 ms*']);
  });

  it('marks them in the terminal table too', () => {
    const out = terminal([row({ strategy: 'few', successes: 19, requests: 20, success_rate: 0.95 })]);
    const line = out.split('\n').find((l) => l.startsWith('few'))!;
    expect(line).toMatch(/900 ms\*\s+1,200 ms\*/);
    expect(out).toContain('* fewer than 20 successful requests (p95) or 100 (p99)');
    expect(terminal([row({ strategy: 'many' })])).not.toContain('fewer than 20 successful requests');
  });

  it('never paints a marked percentile green in the HTML summary', () => {
    const w = { run_no: 1, success_rate: true, p50: true, p95: true, p99: true, ttft: true, attempts: true, cost: true };
    const page = html([row({ successes: 50, requests: 50 })], [w]);
    expect(page).toContain('<td class="win">900 ms</td>');
    expect(page).toContain('<td>1,200 ms*</td>');
    expect(page).toContain('fewer than 20 successful requests (p95) or 100 (p99)');
  });
});

describe('a run without requests', () => {
  it('shows no success rate, mean attempts or failover rate (0 of 0 is not 0%)', () => {
    const empty = row({ strategy: 'empty', status: 'interrupted', requests: 0, successes: 0, success_rate: 0, mean_attempts: 0, failover_rate: 0, p50_latency_ms: null, p95_latency_ms: null, p99_latency_ms: null, p50_ttft_ms: null, total_cost_usd: 0, cost_per_1k_usd: null });
    const cells = mdCells(markdown([empty]), 'empty');
    expect(cells[1]).toBe('–');
    expect(cells[6]).toBe('–');
    expect(cells[7]).toBe('–');
    const line = terminal([empty]).split('\n').find((l) => l.startsWith('empty'))!;
    expect(line).not.toContain('0.00%');
    expect(line.split(/\s+/).filter((c) => c === '–')).toHaveLength(8);
    const page = html([empty]);
    const tr = /<tr><td><span class="sw"[^]*?<\/tr>/.exec(page)![0];
    expect(tr).not.toContain('0.00%');
    expect(tr).not.toContain('>0.000<');
    // success, p50, p95, p99, TTFT, attempts, failover and per 1k ok: nothing to show
    expect(tr.match(/<td>–<\/td>/g)).toHaveLength(8);
  });
});
