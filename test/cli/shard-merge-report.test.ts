/** The CI path end to end: shards → Parquet exports → merge → report, through the CLI. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-ci-path-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sharded CI run', () => {
  it('shards merge into one results file whose report matches an unsharded run', async () => {
    const scenario = path.join(dir, 'ci.yaml');
    writeFileSync(
      scenario,
      `name: ci
seed: 9
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 20 }, count: 2000, tags: { project: { a: 1, b: 2 } } } }
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: flaky } }
  b: { provider: anthropic, model: claude-3-5-haiku }
strategies:
  single: { use: single, options: { target: a } }
  fallback: { use: fallback, options: { targets: [a, b] } }
  hedge: { use: hedge, options: { targets: [a, b] } }
`,
    );
    const cli = async (...args: string[]) => {
      const io = memoryIo();
      const code = await runCli(args, io);
      expect(code, io.stderr).toBe(0);
      return io.stdout;
    };
    await cli('run', scenario, '--db', path.join(dir, 'all.duckdb'), '--out', path.join(dir, 'r-all'), '--run-group', 'x');
    for (const shard of ['1', '2']) {
      await cli('run', scenario, '--shard', `${shard}/2`, '--run-group', 'x', '--db', path.join(dir, `s${shard}.duckdb`), '--out', path.join(dir, `r${shard}`));
      await cli('export', '--parquet', path.join(dir, `p${shard}`), '--db', path.join(dir, `s${shard}.duckdb`));
    }
    expect(await cli('merge', path.join(dir, 'p1'), path.join(dir, 'p2'), '--db', path.join(dir, 'merged.duckdb'))).toContain('(3 runs imported from 2 sources)');
    expect(await cli('report', '--db', path.join(dir, 'merged.duckdb'), '--out', path.join(dir, 'r-merged'))).toMatch(/report: .*ci-x\/index\.html \(3 strategies\)/);
    const summary = (base: string) => {
      const json = JSON.parse(readFileSync(path.join(dir, base, 'ci', 'ci-x', 'summary.json'), 'utf8')) as { strategies: Record<string, unknown>[] };
      return json.strategies
        .map(({ run_no: _n, run_id: _i, traffic_ms: _t, ...rest }) => rest)
        .sort((p, q) => String(p.strategy).localeCompare(String(q.strategy)));
    };
    expect(summary('r-merged')).toEqual(summary('r-all'));
    expect(readFileSync(path.join(dir, 'r-merged', 'ci', 'ci-x', 'index.html'), 'utf8')).toContain('<div id="latency-cdf" class="vega"');
  });
});
