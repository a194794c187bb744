/**
 * The one job summary: the suite's PR comment (`routebench report --pr-comment`) with what only
 * the CI run knows added where a reader looks for it; by hand-written expectations, and end to end
 * from a real run, a real base, and `ci summary`.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { COMMENT_MARKER, failedThresholds, jobSummary } from '../../src/ci/job-summary.js';
import type { SummaryJson } from '../../src/report/write-summary.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-ci-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BODY = `## routebench: 2 scenarios, 5 strategies

No base-branch results to compare with (the first run, or the base results expired).

### The answer

| scenario | most available |
|---|---|
| a | x |

All 4 thresholds pass.
`;

describe('job summary assembly', () => {
  it('says why there is no baseline in place of the generic line, and why there is no comment', () => {
    expect(jobSummary({ body: BODY, baseline: { state: 'missing', reason: 'no `routebench-results` artifact from a run on `main` yet' }, comment: 'fork' })).toBe(`${COMMENT_MARKER}
## routebench: 2 scenarios, 5 strategies

⚠️ **No baseline:** no \`routebench-results\` artifact from a run on \`main\` yet; nothing was compared.

### The answer

| scenario | most available |
|---|---|
| a | x |

All 4 thresholds pass.

> No PR comment: this pull request comes from a fork, and its token cannot write to this repository; this summary is the result.
`);
  });

  it('a failed comparison leads, right under the heading', () => {
    const body = '## routebench: 1 scenario, 2 strategies\n\n### The answer\n\nrows\n';
    expect(jobSummary({ body, baseline: { state: 'failed', reason: 'routebench report --base exited 4: cannot read base/' }, comment: 'no-token' })).toBe(`${COMMENT_MARKER}
## routebench: 1 scenario, 2 strategies

⚠️ **Not compared with the base branch:** routebench report --base exited 4: cannot read base/.

### The answer

rows

> No PR comment: no \`github-token\` was given to the action; this summary is the result.
`);
  });

  it('a compared run with a comment is the body unchanged, marked', () => {
    expect(jobSummary({ body: BODY, baseline: { state: 'compared' }, comment: 'on' })).toBe(`${COMMENT_MARKER}\n${BODY}`);
  });

  it('nothing rendered is said, not left blank', () => {
    expect(jobSummary({ body: '', baseline: { state: 'missing', reason: 'r' }, comment: 'not-a-pr' })).toBe(
      `${COMMENT_MARKER}\n## routebench\n\n⚠️ **No baseline:** r; nothing was compared.\n\n⚠️ No report was rendered: no scenario ran to completion (see the job log).\n`,
    );
  });

  it('counts failed thresholds over every scenario and strategy', () => {
    const t = (passed: boolean) => ({ metric: 'success_rate', threshold: '> 0.9', actual: 1, passed, abortOnFail: false });
    const s = (...strategies: boolean[][]) => ({ strategies: strategies.map((ts) => ({ thresholds: ts.map(t) })) }) as unknown as SummaryJson;
    expect(failedThresholds([s([true, false], [false]), s([true]), s()])).toBe(2);
  });
});

describe('routebench ci summary, end to end', () => {
  const cli = async (...args: string[]) => {
    const io = memoryIo();
    const code = await runCli(args, io);
    return { code, out: io.stdout, err: io.stderr };
  };

  it('from a real report compared with a real base, written once to the summary file', async () => {
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
thresholds: { success_rate: ['> 0.99'] }
`,
    );
    const db = path.join(dir, 'r.duckdb');
    const reports = path.join(dir, 'reports');
    expect((await cli('run', yaml, '--db', db, '--out', reports, '--quiet')).code).toBe(3);
    cpSync(db, path.join(dir, 'base.duckdb'));
    const body = path.join(dir, 'comment.md');
    const rendered = await cli('report', '--db', db, '--out', reports, '--pr-comment', body, '--base', path.join(dir, 'base.duckdb'), '--max-regression', 'p99_latency_ms=5%');
    expect(rendered.code, rendered.err).toBe(0);
    const step = path.join(dir, 'step-summary.md');
    writeFileSync(step, '');
    const out = path.join(dir, 'summary.md');
    const ghOut = path.join(dir, 'gh-out');
    const r = await cli('ci', 'summary', '--body', body, '--reports', reports, '--out', out, '--append', step, '--github-output', ghOut);
    expect(r.code, r.err).toBe(0);
    const md = readFileSync(out, 'utf8');
    expect(md).toBe(`${COMMENT_MARKER}\n${readFileSync(body, 'utf8')}`);
    expect(readFileSync(step, 'utf8')).toBe(md);
    expect(md.match(/^## routebench/gm)).toHaveLength(1);
    const json = JSON.parse(readFileSync(path.join(reports, 'tiny', 'latest', 'summary.json'), 'utf8')) as SummaryJson;
    const failed = json.strategies.flatMap((s) => s.thresholds).filter((t) => !t.passed).length;
    expect(failed).toBeGreaterThan(0);
    expect(readFileSync(ghOut, 'utf8')).toBe(`scenarios=1\nfailed-thresholds=${failed}\n`);

    const missing = await cli('ci', 'summary', '--reports', reports, '--baseline-missing', 'no artifact yet', '--comment', 'fork');
    expect(missing.out).toContain('⚠️ **No baseline:** no artifact yet; nothing was compared.');
    expect(missing.out).toContain('> No PR comment: this pull request comes from a fork');
  }, 120_000);
});
