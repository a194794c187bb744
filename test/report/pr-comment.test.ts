/**
 * The suite page and the PR comment. Pure formatting against hand-written summaries (what the
 * cheapest gives up, threshold status, the 60-line budget with the default suite's 5 scenarios and
 * 24 strategies all changing), then end to end: the default suite run twice (base and head, small
 * --limit), `routebench report --pr-comment FILE` against the base, on the real CLI.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { givesUp, suiteRow, type SuiteEntry } from '../../src/report/suite-answer.js';
import { prCommentMarkdown, type BaseComparison } from '../../src/report/pr-comment.js';
import { suiteHtml } from '../../src/report/suite-page.js';
import type { Verdict } from '../../src/report/verdict.js';
import type { SummaryJson } from '../../src/report/write-summary.js';
import type { ComparisonRow } from '../../src/report/compare-runs.js';

const entry = (strategy: string, success_rate: number, cost_usd: number, failed: string[] = []) => ({ strategy, success_rate, requests: 1000, successes: success_rate * 1000, cost_usd, cost_per_1k_ok_usd: cost_usd / success_rate, failed });

function summary(scenario: string, verdict: Verdict | undefined, failedThreshold = false): SummaryJson {
  const t = (passed: boolean) => ({ metric: 'success_rate', threshold: '> 0.99', actual: 0.95, passed, abortOnFail: false });
  const strategies = ['single', 'fallback', 'hedge', 'weighted', 'breaker'].map((s, i) => ({ strategy: s, requests: 1000, success_rate: 0.99, status: 'ok', thresholds: [t(!(failedThreshold && i === 0))] }));
  return { scenario, run_group: `${scenario}-1`, strategies, verdict } as unknown as SummaryJson;
}

const verdict: Verdict = {
  cost_basis: 'window',
  most_available: entry('fallback', 0.999, 10),
  tied_with_most_available: ['hedge'],
  has_thresholds: true,
  cheapest_passing: entry('hedge', 0.998, 8),
  cheapest: entry('single', 0.906, 6, ['success_rate > 0.99']),
};

describe('the answer per scenario', () => {
  it('says what the cheapest gives up against the most available', () => {
    // per 1k ok: single $6 / 906 × 1000 = $6.6225, fallback $10 / 999 × 1000 = $10.0100: 34% less per success
    // (40% less in total, 6 of those points from answering 9.3 pp fewer requests)
    expect(givesUp(verdict)).toBe('single ($6.00, $6.62 per 1k ok, 34% cheaper per success): 9.30 pp success vs fallback; fails success_rate > 0.99');
    expect(givesUp({ ...verdict, cheapest: verdict.most_available })).toBe('nothing: fallback is also the most available');
    const row = suiteRow({ scenario: 's', runGroup: 's-1', href: 's/s-1/index.html', json: summary('s', verdict, true), commit: null, startedAt: null });
    expect(row).toMatchObject({ mostAvailable: 'fallback (99.90%)', cheapestPassing: 'hedge ($8.00, $8.02 per 1k ok)', thresholdsTotal: 5, thresholdsFailed: ['single: success_rate > 0.99'] });
  });

  it('renders the suite page with links and a failing banner', () => {
    const entries: SuiteEntry[] = [
      { scenario: 'a', runGroup: 'a-1', href: 'a/a-1/index.html', json: summary('a', verdict, true), commit: 'abcdef1234567890', startedAt: '2026-12-06T10:00:00Z' },
      { scenario: 'b', runGroup: 'b-1', href: 'b/b-1/index.html', json: summary('b', verdict), commit: 'abcdef1234567890', startedAt: '2026-12-06T10:01:00Z' },
    ];
    const html = suiteHtml({ entries, footer: 'f' });
    expect(html).toContain('<a href="a/a-1/index.html"><b>a</b></a>');
    expect(html).toContain('1 of 10 thresholds fail, in a.');
    expect(html).toContain('commit abcdef123456');
    expect(html).not.toMatch(/<script|https?:\/\//);
  });
});

describe('prCommentMarkdown', () => {
  const loss = (metric: string): ComparisonRow => ({ metric, label: metric === 'success_rate' ? 'success rate' : 'p99 latency', unit: metric === 'success_rate' ? 'rate' : 'ms', direction: metric === 'success_rate' ? 'higher' : 'lower', method: 'bootstrap', baseline: 100, candidate: 120, delta: 20, deltaPct: 20, ci: { lo: 5, hi: 35 }, verdict: 'loss', n: { baseline: 1, candidate: 1 } }) as ComparisonRow;
  const scenarios = ['azure-code-replay', 'gateway-shootout', 'outage-failover', 'quickstart', 'rate-limit-storm'];
  const answers: SuiteEntry[] = scenarios.map((s) => ({ scenario: s, runGroup: `${s}-1`, href: null, json: summary(s, verdict, true), commit: null, startedAt: null }));

  it('stays within 60 lines for the default suite even when all 24 strategies change', () => {
    const changes = Array.from({ length: 24 }, (_, i) => ({ scenario: scenarios[i % 5]!, strategy: `s${i}`, rows: [loss('p99_latency_ms'), loss('success_rate')], budget: [{ entry: { source: 'p99=5%', metric: 'p99_latency_ms', amount: 5, unit: 'relative' }, verdict: 'loss', regression: 20, exceeded: true, reason: 'worse by 20%' }] })) as BaseComparison['changes'];
    const base: BaseComparison = { baseCommit: 'abc1234', changes, changedScenarios: ['quickstart'], newScenarios: [], budget: [{ source: 'p99=5%', metric: 'p99_latency_ms', amount: 5, unit: 'relative' }] };
    const md = prCommentMarkdown({ answers, base, reportUrl: 'https://example.invalid/r' });
    const lines = md.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(60);
    expect(lines[0]).toBe('## routebench: 5 scenarios, 25 strategies');
    // leads with what changed, then the answer, then the link
    expect(lines[2]).toMatch(/^\*\*Against the base branch\*\* \(abc1234\): 0 wins, 48 losses/);
    expect(md.indexOf('❌ **exceeded** by 24')).toBeLessThan(md.indexOf('### The answer'));
    expect(md).toContain('- … and 9 more in the full report');
    expect(md).toContain('Scenario file changed, not compared: quickstart.');
    expect(lines.at(-1)).toMatch(/^\[Full report\]\(https:\/\/example\.invalid\/r\)/);
    expect(md.match(/^\| (azure|gateway|outage|quickstart|rate)/gm)).toHaveLength(5);
  });

  it('says so when there are no base results', () => {
    const md = prCommentMarkdown({ answers, base: null });
    expect(md).toContain('No base-branch results to compare with');
    expect(md).toContain('❌ 5 of 25 thresholds fail.');
  });
});

describe('routebench report --pr-comment (default suite)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-pr-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one comment for the whole suite against the base results, within 60 lines', async () => {
    const run = (db: string, seed: string) => runCli(['run', 'scenarios/', '--limit', '200', '--seed', seed, '--db', path.join(dir, db), '--out', path.join(dir, `out-${db}`), '--quiet'], memoryIo());
    expect(await run('base.duckdb', '7')).toBeLessThanOrEqual(3);
    expect(await run('head.duckdb', '5')).toBeLessThanOrEqual(3);
    const io = memoryIo();
    const code = await runCli(['report', '--db', path.join(dir, 'head.duckdb'), '--out', path.join(dir, 'rep'), '--no-images', '--base', path.join(dir, 'base.duckdb'), '--pr-comment', path.join(dir, 'comment.md'), '--report-url', 'https://example.invalid/run', '--resamples', '200'], io);
    expect(code, io.stderr).toBe(0);
    const md = readFileSync(path.join(dir, 'comment.md'), 'utf8');
    expect(io.stdout).toMatch(/pr comment: .*comment\.md \(\d+ lines\)/);
    const lines = md.trimEnd().split('\n');
    const scenarios = readdirSync('scenarios').filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));
    const [, n, strategies] = /^## routebench: (\d+) scenarios, (\d+) strategies$/.exec(lines[0]!)!;
    expect(Number(n)).toBe(scenarios.length);
    expect(lines[2]).toMatch(/^\*\*Against the base branch\*\*.*over \d+ strategies × 5 metrics/);
    expect(Number(strategies)).toBeGreaterThan(Number(n));
    expect(lines.length).toBeLessThanOrEqual(60);
    expect(md.match(new RegExp(`^\\| (${scenarios.join('|')}) \\|`, 'gm'))).toHaveLength(scenarios.length);
    expect(md).toContain('[Full report](https://example.invalid/run)');
    // the suite page was written too, linking every scenario page
    const suite = readFileSync(path.join(dir, 'rep', 'index.html'), 'utf8');
    expect(suite).toContain('<h2>Against the base branch');
    for (const href of suite.match(/href="([^"]+)"/g)!.map((h) => h.slice(6, -1))) expect(existsSync(path.join(dir, 'rep', href)), href).toBe(true);
  }, 480_000);
});
