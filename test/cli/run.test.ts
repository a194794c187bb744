import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { openStore } from '../../src/store/open-store.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scenario(name: string, body: { thresholds?: string; traffic?: string; count?: number } = {}): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
seed: 5
traffic:
${body.traffic ?? `  synthetic: { arrival: { process: poisson, rate_per_s: 20 }, count: ${body.count ?? 3000}, stream: 0.5 }`}
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: flaky } }
  b: { provider: anthropic, model: claude-3-5-haiku }
strategies:
  single: { use: single, options: { target: a } }
  fallback: { use: fallback, options: { targets: [a, b] } }
${body.thresholds ?? ''}`,
  );
  return file;
}

const common = (name: string) => ['--db', path.join(dir, `${name}.duckdb`), '--out', path.join(dir, 'reports')];

describe('routebench run', () => {
  it('runs a scenario, prints the comparison and writes summary.md / summary.json', async () => {
    const io = memoryIo();
    const code = await runCli(['run', scenario('basic'), ...common('basic')], io);
    expect(io.stderr).toBe('');
    expect(code).toBe(0);
    expect(io.stdout).toMatch(/^basic: 3,000 requests, synthetic poisson arrivals at 20\/s\nstrategy +success +p50 +p95 +p99 +ttft p50 +attempts +failover +cost +\$\/1k ok +status\nsingle +9\d\.\d\d% /);
    const latest = path.join(dir, 'reports', 'basic', 'latest');
    const json = JSON.parse(readFileSync(path.join(latest, 'summary.json'), 'utf8'));
    expect(json.strategies.map((s: { strategy: string; requests: number }) => [s.strategy, s.requests])).toEqual([
      ['single', 3000],
      ['fallback', 3000],
    ]);
    expect(json.strategies[1].success_rate).toBeGreaterThan(json.strategies[0].success_rate);
    expect(readFileSync(path.join(latest, 'summary.md'), 'utf8')).toContain('| **fallback** | 99.');
    // The suite page is the entry point; the old <out>/latest (the last scenario only) is gone.
    expect(readFileSync(path.join(dir, 'reports', 'index.html'), 'utf8')).toContain('href="basic/');
    expect(existsSync(path.join(dir, 'reports', 'latest'))).toBe(false);
  });

  it('exits 3 and lists failed thresholds', async () => {
    const io = memoryIo();
    const file = scenario('gated', { thresholds: "thresholds:\n  success_rate: ['> 0.99']\n  p(99): []\n".replace("  p(99): []\n", '') });
    const code = await runCli(['run', file, ...common('gated')], io);
    expect(code).toBe(3);
    expect(io.stdout).toMatch(/thresholds failed:\n {2}✗ single: success_rate > 0\.99 \(actual 0\.9\d+\)\n/);
    expect(io.stdout).not.toMatch(/✗ fallback/);
    const md = readFileSync(path.join(dir, 'reports', 'gated', 'latest', 'summary.md'), 'utf8');
    expect(md).toContain('## Thresholds failed (1 of 2)');
  });

  it('--junit writes one test case per scenario × strategy × threshold; GITHUB_STEP_SUMMARY gets the summary', async () => {
    const stepSummary = path.join(dir, 'step-summary.md');
    writeFileSync(stepSummary, '# earlier step\n');
    const io = memoryIo({ GITHUB_STEP_SUMMARY: stepSummary });
    const junit = path.join(dir, 'junit', 'routebench.xml');
    const file = scenario('junit', { thresholds: "thresholds:\n  success_rate: ['> 0.99']\n  latency_ms: ['p(99) < 600000']\n" });
    expect(await runCli(['run', file, ...common('junit'), '--junit', junit], io)).toBe(3);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="routebench" tests="6" failures="1" errors="0" time="0">/);
    expect(xml.match(/<testcase /g)).toHaveLength(6);
    expect(xml).toContain('<testcase classname="junit.single" name="single: success_rate &gt; 0.99" time="0">\n      <failure message="success_rate &gt; 0.99: actual 0.9');
    expect(xml).toContain('<testcase classname="junit.fallback" name="fallback: latency_ms p(99) &lt; 600000" time="0"></testcase>');
    const md = readFileSync(stepSummary, 'utf8');
    expect(md.startsWith('# earlier step\n# junit\n')).toBe(true);
    expect(md).toContain('## Thresholds failed (1 of 4)');
  });

  it('--strategy and --shard select the scenario × strategy pairs to run; shards share --run-group', async () => {
    const file = scenario('sharded');
    const one = memoryIo();
    expect(await runCli(['run', file, ...common('shard1'), '--shard', '1/2', '--run-group', 'ci-7', '--json'], one)).toBe(0);
    const two = memoryIo();
    expect(await runCli(['run', file, ...common('shard2'), '--shard', '2/2', '--run-group', 'ci-7', '--json'], two)).toBe(0);
    const [a] = JSON.parse(one.stdout).scenarios;
    const [b] = JSON.parse(two.stdout).scenarios;
    expect([a.run_group, b.run_group]).toEqual(['sharded-ci-7', 'sharded-ci-7']);
    expect([...a.strategies, ...b.strategies].map((s: { strategy: string }) => s.strategy).sort()).toEqual(['fallback', 'single']);
    const typo = memoryIo();
    expect(await runCli(['run', file, ...common('typo'), '--strategy', 'fallbak'], typo)).toBe(2);
    expect(typo.stderr).toContain('no scenario has a strategy labelled "fallbak"; did you mean "fallback"?');
    const bad = memoryIo();
    expect(await runCli(['run', file, ...common('typo'), '--shard', '3/2'], bad)).toBe(2);
  });

  it('--json prints one object with a scenarios array, and nothing else on stdout', async () => {
    const io = memoryIo();
    expect(await runCli(['run', scenario('json'), ...common('json'), '--json'], io)).toBe(0);
    const { scenarios, ...rest } = JSON.parse(io.stdout);
    expect(rest).toEqual({});
    expect(scenarios).toHaveLength(1);
    const json = scenarios[0];
    expect(json.scenario).toBe('json');
    expect(json.strategies).toHaveLength(2);
  });

  it('a bad trace row stops the run with its row number (exit 2) and marks the runs as error', async () => {
    const trace = path.join(dir, 'bad.jsonl');
    writeFileSync(trace, `${'{"arrival_ms": 0, "input_tokens": 10, "output_tokens": 5}\n'.repeat(5000)}{"arrival_ms": 1, "input_tokens": -3, "output_tokens": 5}\n`);
    const io = memoryIo();
    const db = path.join(dir, 'badrow.duckdb');
    const code = await runCli(['run', scenario('badrow', { traffic: `  trace: { path: bad.jsonl }` }), '--db', db, '--out', path.join(dir, 'reports')], io);
    expect(code).toBe(2);
    expect(io.stderr).toContain(`${trace}:5001:1  row 5001  input_tokens must be a whole number ≥ 0, got -3`);
    expect(io.stderr).toContain('on_bad_row: skip');
    const s = await openStore(db);
    expect(await s.all(`SELECT DISTINCT status FROM runs`)).toEqual([{ status: 'error' }]);
    s.close();
    const skip = memoryIo();
    expect(await runCli(['run', path.join(dir, 'badrow.yaml'), '--db', db, '--out', path.join(dir, 'reports'), '--on-bad-row', 'skip'], skip)).toBe(0);
    expect(skip.stdout).toContain('1 bad trace row skipped');
  });

  it('an empty trace is refused before any run is created', async () => {
    writeFileSync(path.join(dir, 'empty.jsonl'), '');
    const io = memoryIo();
    const db = path.join(dir, 'empty.duckdb');
    expect(await runCli(['run', scenario('empty', { traffic: '  trace: { path: empty.jsonl }' }), '--db', db, '--out', path.join(dir, 'reports')], io)).toBe(2);
    expect(io.stderr).toMatch(/error: .*empty\.yaml: the traffic has no requests/);
    const s = await openStore(db);
    expect(await s.all(`SELECT count(*)::INTEGER AS n FROM runs`)).toEqual([{ n: 0 }]);
    s.close();
  });

  it('Ctrl-C stops the run: exit 130, runs marked interrupted, finished requests kept, file opens cleanly', async () => {
    const file = scenario('sigint', { count: 3_000_000 });
    const db = path.join(dir, 'sigint.duckdb');
    // --workers 1: the main-thread path reports progress per batch (worker runs report per finished
    // run); Ctrl-C with workers is covered by test/runner/parallel.test.ts.
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/cli-entry.ts', 'run', file, '--db', db, '--out', path.join(dir, 'reports'), '--progress', '--workers', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/req(uests)? ·/.test(stderr) && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(stderr).toContain('Ctrl-C: stopping after the current batch');
    expect(code).toBe(130);
    const s = await openStore(db);
    const runs = await s.all<{ status: string; requests: number }>(`SELECT status, requests FROM runs ORDER BY run_no`);
    expect(runs.map((r) => r.status)).toEqual(['interrupted', 'interrupted']);
    expect(runs[0]!.requests).toBeGreaterThan(0);
    expect(runs[0]!.requests).toBeLessThan(3_000_000);
    s.close();
  }, 60_000);
});
