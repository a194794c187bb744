/**
 * The one job summary: assembled from hand-made report summaries and comparisons (expected lines
 * written out by hand), and end to end from a real run's report and `compare --all --json`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { COMMENT_MARKER, jobSummary, type CompareJson } from '../../src/ci/job-summary.js';
import type { SummaryJson } from '../../src/report/write-summary.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-ci-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const threshold = (passed: boolean) => ({ metric: 'success_rate', threshold: '> 0.95', actual: passed ? 0.99 : 0.9, passed, abortOnFail: false });
const entry = (strategy: string, success_rate: number, cost_usd: number, failed: string[] = []) => ({ strategy, success_rate, requests: 1000, successes: Math.round(success_rate * 1000), cost_usd, failed });

/** A report summary with only the fields the job summary reads. */
function scenario(name: string, strategies: [string, boolean][], verdict?: SummaryJson['verdict']): SummaryJson {
  return { scenario: name, strategies: strategies.map(([strategy, passed]) => ({ strategy, thresholds: [threshold(passed)] })), verdict } as unknown as SummaryJson;
}

function comparison(scenarioName: string, strategy: string, verdicts: Record<string, 'win' | 'loss' | 'tie'>, budget?: { exceeded: boolean; source: string; reason: string }): CompareJson {
  const side = { scenario: scenarioName, strategy, runId: `${scenarioName}.${strategy}` };
  return {
    baseline: side,
    candidate: side,
    rows: Object.entries(verdicts).map(([label, verdict]) => ({ metric: label, label, verdict })),
    overall: '',
    budget: budget ? { exceeded: budget.exceeded, checks: [{ entry: { source: budget.source }, exceeded: budget.exceeded, reason: budget.reason }] } : null,
  };
}

const shootout = scenario('shootout', [['portkey', true], ['single', false]], {
  cost_basis: 'month',
  most_available: entry('portkey', 0.998, 120),
  tied_with_most_available: [],
  has_thresholds: true,
  cheapest_passing: entry('portkey', 0.998, 120),
  cheapest: entry('single', 0.9, 80, ['success_rate > 0.95']),
});
const failover = scenario('failover', [['fallback', true], ['hedge', true]], {
  cost_basis: 'window',
  most_available: entry('hedge', 0.9995, 0.5),
  tied_with_most_available: ['fallback'],
  has_thresholds: true,
  cheapest_passing: entry('fallback', 0.999, 0.25),
  cheapest: entry('fallback', 0.999, 0.25),
});

describe('job summary assembly', () => {
  it('leads with what changed against the base branch, then the answer, then the link', () => {
    const md = jobSummary({
      scenarios: [failover, shootout],
      baseline: {
        state: 'compared',
        branch: 'main',
        budget: 'p99_latency_ms=5%',
        comparisons: [
          comparison('failover', 'fallback', { 'p99 latency': 'loss', success: 'tie' }, { exceeded: true, source: 'p99_latency_ms=5%', reason: 'worse by 12%, over the 5% budget, and significant (95% CI excludes 0)' }),
          comparison('failover', 'hedge', { 'p99 latency': 'tie', success: 'tie' }, { exceeded: false, source: 'p99_latency_ms=5%', reason: 'not worse (budget 5%)' }),
          comparison('shootout', 'portkey', { 'p99 latency': 'win', cost: 'win', success: 'tie' }, { exceeded: false, source: 'p99_latency_ms=5%', reason: 'not worse (budget 5%)' }),
        ],
      },
      comment: 'on',
      reportUrl: 'https://github.test/acme/gw/actions/runs/5',
      artifact: 'routebench-report',
    });
    expect(md).toBe(`${COMMENT_MARKER}
## routebench · 2 scenarios, 4 strategies

**Thresholds:** ❌ 1 of 4 failed  
**Against \`main\`:** ❌ regression budget exceeded (1 of 3 strategies) · 2 significant wins, 1 loss over 3 strategies

### What changed against \`main\`

| scenario | strategy | better | worse | budget |
|---|---|---|---|---|
| failover | fallback | — | p99 latency | ❌ p99_latency_ms=5%: worse by 12%, over the 5% budget, and significant (95% CI excludes 0) |
| shootout | portkey | p99 latency, cost | — | ✅ |

1 other strategy: no significant change.

### The answer

| scenario | most available | cheapest meeting thresholds | thresholds |
|---|---|---|---|
| failover | hedge (99.950%) | fallback ($0.2500) | ✅ 2/2 |
| shootout | portkey (99.80%) | portkey ($120/month) | ❌ 1 failed |

See [the full report](https://github.test/acme/gw/actions/runs/5) (artifact \`routebench-report\`: each scenario's \`index.html\` opens offline) for every table, chart and interval.
`);
  });

  it('a missing baseline is said in the headline, and a fork PR says there is no comment', () => {
    const md = jobSummary({ scenarios: [shootout], baseline: { state: 'missing', branch: 'main', reason: 'no `routebench-results` artifact from a run on `main` yet' }, comment: 'fork' });
    expect(md.split('\n')[4]).toBe('**Against `main`:** ⚠️ no baseline: no `routebench-results` artifact from a run on `main` yet; nothing was compared');
    expect(md).not.toContain('What changed');
    expect(md.trimEnd().split('\n').at(-1)).toBe('> No PR comment: this pull request comes from a fork, and its token cannot write to this repository; this summary is the result.');
  });

  it('a comparison that could not run is said too', () => {
    const md = jobSummary({ scenarios: [shootout], baseline: { state: 'failed', branch: 'main', reason: 'compare exited 2: the scenario file changed' }, comment: 'no-token' });
    expect(md).toContain('**Against `main`:** ⚠️ not compared: compare exited 2: the scenario file changed');
    expect(md).toContain('> No PR comment: no `github-token` was given to the action; this summary is the result.');
  });

  it('stays short for a large suite: at most 15 change rows, then a count', () => {
    const comparisons = Array.from({ length: 40 }, (_, i) => comparison(`s${i}`, 'x', { cost: 'win' }));
    const scenarios = Array.from({ length: 10 }, (_, i) => scenario(`s${i}`, [['x', true]]));
    const md = jobSummary({ scenarios, baseline: { state: 'compared', branch: 'main', comparisons }, comment: 'on' });
    expect(md).toContain('… and 25 more in the full report.');
    expect(md.split('\n').length).toBeLessThanOrEqual(60);
  });
});

describe('routebench ci summary, end to end', () => {
  const cli = async (...args: string[]) => {
    const io = memoryIo();
    const code = await runCli(args, io);
    expect(code, io.stderr).toBe(0);
    return io.stdout;
  };

  it('from a real report and a real comparison, written once to the summary file', async () => {
    const yaml = path.join(dir, 'tiny.yaml');
    writeFileSync(
      yaml,
      `name: tiny
seed: 3
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 20 }, count: 300 } }
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: flaky } }
  b: { provider: anthropic, model: claude-3-5-haiku }
strategies:
  single: { use: single, options: { target: a } }
  fallback: { use: fallback, options: { targets: [a, b] } }
thresholds: { success_rate: ['> 0.5'] }
`,
    );
    const db = path.join(dir, 'r.duckdb');
    const reports = path.join(dir, 'reports');
    await cli('run', yaml, '--db', db, '--out', reports, '--quiet');
    const json = JSON.parse(readFileSync(path.join(reports, 'tiny', 'latest', 'summary.json'), 'utf8')) as SummaryJson;
    const compareFile = path.join(dir, 'compare.json');
    writeFileSync(compareFile, await cli('compare', '--all', '--json', '--baseline-db', db, '--candidate-db', db, '--max-regression', 'p99_latency_ms=5%'));
    const step = path.join(dir, 'step-summary.md');
    writeFileSync(step, '');
    const out = path.join(dir, 'summary.md');
    await cli('ci', 'summary', '--reports', reports, '--compare', compareFile, '--base-branch', 'main', '--budget', 'p99_latency_ms=5%', '--out', out, '--append', step, '--github-output', path.join(dir, 'gh-out'));
    expect(readFileSync(path.join(dir, 'gh-out'), 'utf8')).toBe('scenarios=1\nfailed-thresholds=0\nbudget=within\n');
    const md = readFileSync(out, 'utf8');
    expect(readFileSync(step, 'utf8')).toBe(md);
    expect(md.match(/^## routebench/gm)).toHaveLength(1);
    expect(md).toContain('**Thresholds:** ✅ all 2 met');
    expect(md).toContain('**Against `main`:** ✅ within the regression budget (p99_latency_ms=5%) · 0 significant wins, 0 losses over 2 strategies');
    expect(md).toContain('No significant change in any metric of 2 strategies');
    const v = json.verdict!;
    expect(md).toContain(`| tiny | ${v.most_available.strategy} (`);
    expect(md).toContain(`| ${v.cheapest_passing!.strategy} (`);

    const missing = await cli('ci', 'summary', '--reports', reports, '--base-branch', 'main', '--baseline-missing', 'no artifact yet', '--comment', 'fork');
    expect(missing).toContain('⚠️ no baseline: no artifact yet; nothing was compared');
    expect(missing).toContain('> No PR comment: this pull request comes from a fork');
  }, 60_000);
});
