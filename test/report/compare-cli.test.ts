import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { runCli } from '../../src/cli/main.js';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { compareBuilder, compareHandler, type CompareArgs } from '../../src/cli/commands/compare.js';
import { memoryIo } from '../../src/cli/io.js';
import { HarnessError } from '../../src/errors.js';
import { METRIC_ORDER } from '../../src/report/comparison-metrics.js';
import { openStore } from '../../src/store/open-store.js';
import { exportRuns } from '../../src/store/transfer-runs.js';
import { runYaml, twoTargetYaml } from '../helpers/run-yaml.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-compare-cli-'));
const strategies = `
  single: { use: single, options: { target: a } }
  fallback: { use: fallback, options: { targets: [a, b] } }`;
const ids: Record<string, string> = {};

async function makeDb(name: string, yaml: string): Promise<string> {
  const file = path.join(dir, `${name}.duckdb`);
  const store = await openStore(file);
  try {
    const ran = await runYaml(yaml, { store });
    for (const r of ran.result.runs) ids[`${name}:${r.strategy}`] = r.runId;
  } finally {
    store.close();
  }
  return file;
}

let db: string;
let other: string;
beforeAll(async () => {
  db = await makeDb('main', twoTargetYaml({ a: '{ profile: flaky }', strategies }));
  other = await makeDb('other', twoTargetYaml({ a: '{ profile: flaky }', strategies }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const args = (o: Partial<CompareArgs> & Pick<CompareArgs, 'baseline' | 'candidate'>): CompareArgs => ({
  db,
  all: false,
  resamples: 1000,
  seed: 1,
  'allow-different': false,
  json: false,
  ...o,
});

describe('routebench compare (handler)', () => {
  it('prints the Markdown comparison and exits 0 without a budget', async () => {
    const io = memoryIo();
    const code = await compareHandler(args({ baseline: ids['main:single']!, candidate: ids['main:fallback']! }), io);
    expect(code).toBe(0);
    expect(io.stderr).toBe('');
    expect(io.stdout).toMatch(/^# single → fallback\n/);
    expect(io.stdout).toContain('| metric | baseline | candidate | Δ | 95% CI | verdict |');
    expect(io.stdout).toMatch(/\| success rate \| 9\d\.\d\d% \| 99\.\d+% \| \+\d\.\d+ pp \| \[\+\d\.\d+, \+\d\.\d+\] pp \| \*\*win\*\* \|/);
    expect(io.stdout).toMatch(/\*\*Overall:\*\* mixed: candidate better on success rate[^;]*; worse on [^.]*failover rate/);
  });

  it('exits 3 when a significant regression exceeds the budget, and writes .md and .json with --out', async () => {
    const io = memoryIo();
    const out = path.join(dir, 'out');
    const code = await compareHandler(
      args({ baseline: ids['main:fallback']!, candidate: ids['main:single']!, 'max-regression': ['success_rate=1pp', 'p99_latency_ms=50%'], out }),
      io,
    );
    expect(code).toBe(3);
    expect(io.stdout).toContain('## Regression budget');
    expect(io.stdout).toMatch(/\| `success_rate=1pp` \| worse by [\d.]+ pp, over the 1 pp budget, and significant \(95% CI excludes 0\) \| ✗ exceeded \|/);
    expect(io.stdout).toContain('**Regression budget exceeded.**');
    const stem = path.join(out, 'compare', `${ids['main:fallback']}..${ids['main:single']}`);
    expect(readFileSync(`${stem}.md`, 'utf8')).toContain('## Regression budget');
    const json = JSON.parse(readFileSync(`${stem}.json`, 'utf8'));
    expect(json.budget.exceeded).toBe(true);
    expect(json.rows).toHaveLength(METRIC_ORDER.length);
    expect(io.stdout).toContain(`written: ${stem}.md`);
  });

  it('parses its command line through the yargs builder (as main.ts would register it)', async () => {
    const io = memoryIo();
    let code = -1;
    let parsed: CompareArgs | undefined;
    await yargs(['compare', ids['main:fallback']!, ids['main:single']!, '--db', db, '--max-regression', 'success_rate=1pp', 'p99=50%', '--resamples', '500'])
      .command<CompareArgs>('compare <baseline> <candidate>', 'compare two runs', compareBuilder, async (a) => {
        parsed = a;
        code = await compareHandler(a, io);
      })
      .strict()
      .exitProcess(false)
      .parseAsync();
    expect(parsed).toMatchObject({ 'max-regression': ['success_rate=1pp', 'p99=50%'], resamples: 500, seed: 1, 'allow-different': false, json: false });
    expect(code).toBe(3);
    expect(io.stdout).toContain('quantiles by 500 seeded bootstrap resamples per run (seed 1)');
  });

  it('exits 0 when the regression fits the budget', async () => {
    const code = await compareHandler(args({ baseline: ids['main:fallback']!, candidate: ids['main:single']!, 'max-regression': ['success=50pp'] }), memoryIo());
    expect(code).toBe(0);
  });

  it('prints JSON only with --json, comparing runs from two files', async () => {
    const io = memoryIo();
    const code = await compareHandler(args({ baseline: ids['main:single']!, candidate: ids['other:single']!, 'candidate-db': other, json: true }), io);
    expect(code).toBe(0);
    const [json, ...more] = JSON.parse(io.stdout);
    expect(more).toEqual([]);
    expect(json.baseline.source).toBe(db);
    expect(json.candidate.source).toBe(other);
    expect(json.rows.map((r: { verdict: string }) => r.verdict)).toEqual(Array(METRIC_ORDER.length).fill('tie'));
    expect(json.overall).toBe('no significant difference: every 95% interval includes 0');
    expect(json.budget).toBeNull();
  });

  it('reads a run from an exported Parquet folder', async () => {
    const folder = path.join(dir, 'export');
    const store = await openStore(other, { readOnly: true });
    try {
      await exportRuns(store, folder, { runIds: [ids['other:fallback']!] });
    } finally {
      store.close();
    }
    const io = memoryIo();
    const code = await compareHandler(args({ baseline: ids['main:fallback']!, candidate: ids['other:fallback']!, 'candidate-db': folder, json: true }), io);
    expect(code).toBe(0);
    const [json] = JSON.parse(io.stdout);
    expect(json.candidate.source).toBe(folder);
    expect(json.rows.every((r: { verdict: string }) => r.verdict === 'tie')).toBe(true);
  });

  it('refuses a malformed budget before opening anything (exit 2)', async () => {
    const e = await compareHandler(args({ baseline: 'x', candidate: 'y', db: path.join(dir, 'missing.duckdb'), 'max-regression': ['p99=fast'] }), memoryIo()).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(HarnessError);
    expect((e as HarnessError).code).toBe('BAD_REGRESSION_BUDGET');
    expect((e as HarnessError).exitCode).toBe(2);
  });

  it('refuses an unknown run id or a missing database with exit 2', async () => {
    const unknown = (await compareHandler(args({ baseline: 'nope', candidate: ids['main:single']! }), memoryIo()).catch((err: unknown) => err)) as HarnessError;
    expect(unknown.code).toBe('RUN_UNKNOWN');
    expect(unknown.message).toMatch(/most recent: /);
    const missing = (await compareHandler(args({ baseline: 'a', candidate: 'b', db: path.join(dir, 'missing.duckdb') }), memoryIo()).catch((err: unknown) => err)) as HarnessError;
    expect(missing.code).toBe('DB_MISSING');
    expect(missing.exitCode).toBe(2);
    expect(existsSync(path.join(dir, 'missing.duckdb'))).toBe(false);
  });
});

describe('routebench compare by run group and --all', () => {
  it('pairs every strategy of two run groups, and --all pairs the newest group of each scenario', async () => {
    const io = memoryIo();
    expect(await runCli(['compare', '--all', '--baseline-db', db, '--candidate-db', other, '--json'], io)).toBe(0);
    const pairs = JSON.parse(io.stdout) as { baseline: { strategy: string }; candidate: { strategy: string }; overall: string }[];
    expect(pairs.map((p) => [p.baseline.strategy, p.candidate.strategy])).toEqual(
      pairs.map((p) => [p.baseline.strategy, p.baseline.strategy]),
    );
    expect(pairs.length).toBeGreaterThan(1);
    // the same scenario and seed on both sides: nothing differs
    expect(new Set(pairs.map((p) => p.overall))).toEqual(new Set(['no significant difference: every 95% interval includes 0']));
  });
});
