/**
 * The CI path end to end: shards → Parquet exports → merge → report, through the CLI, must render
 * the same report as one unsharded `routebench run`: same baseline (the scenario's first declared
 * strategy), same answer, same tables, same JSON, same suite page. The strategies are declared in an order that is
 * neither alphabetical nor the order the merged file holds them in (shards deal the sorted
 * labels fallback, hedge, single round-robin: shard 1 of 2 runs single and fallback, shard 2
 * hedge; merged, the runs are numbered single, fallback, hedge).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { openStore } from '../../src/store/open-store.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-ci-path-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCENARIO = `name: ci
seed: 9
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 20 }, count: 1500, tags: { project: { a: 1, b: 2 } } } }
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: flaky } }
  b: { provider: anthropic, model: claude-3-5-haiku }
strategies:
  hedge: { use: hedge, options: { targets: [a, b] } }
  single: { use: single, options: { target: a } }
  fallback: { use: fallback, options: { targets: [a, b] } }
thresholds:
  success_rate: ['>= 0.9']
`;
const DECLARED = ['hedge', 'single', 'fallback'];

const cli = async (...args: string[]) => {
  const io = memoryIo();
  const code = await runCli(args, io);
  expect([0, 3], io.stderr).toContain(code);
  return io.stdout;
};
const at = (...p: string[]) => path.join(dir, ...p);
const read = (...p: string[]) => readFileSync(at(...p), 'utf8');

interface Report {
  md: string;
  json: Record<string, unknown> & { strategies: { strategy: string; run_id: string; run_no: number }[] };
  html: string;
  charts: Record<string, unknown>;
  /** The suite page (`<out>/index.md`, `index.html`, `index.json`). */
  suite: { md: string; html: string; json: unknown };
}

/** One rendered report, with what names the file or the run (ids, run numbers, the db path) replaced by the strategy. */
function load(base: string, db: string): Report {
  const root = at(base, 'ci', 'ci-x');
  const json = JSON.parse(readFileSync(path.join(root, 'summary.json'), 'utf8')) as Report['json'];
  const ids = new Map(json.strategies.map((s) => [s.run_id, s.strategy]));
  const nos = new Map(json.strategies.map((s) => [s.run_no, s.strategy]));
  const neutral = (text: string) => {
    let out = text.split(db).join('<db>');
    for (const [id, strategy] of ids) out = out.split(id).join(`<run ${strategy}>`);
    return out;
  };
  const withoutNos = (value: unknown): unknown =>
    JSON.parse(neutral(JSON.stringify(value)), (key, v: unknown) => (key === 'run_no' && typeof v === 'number' ? `<run ${nos.get(v) ?? v}>` : v));
  const charts: Record<string, unknown> = {};
  for (const f of readdirSync(path.join(root, 'charts')).filter((x) => x.endsWith('.vl.json')).sort())
    charts[f] = withoutNos(JSON.parse(readFileSync(path.join(root, 'charts', f), 'utf8')));
  return {
    md: neutral(readFileSync(path.join(root, 'summary.md'), 'utf8')),
    json: withoutNos(json) as Report['json'],
    // chart specs are compared above as JSON; the page's text, tables and captions here
    html: neutral(readFileSync(path.join(root, 'index.html'), 'utf8').replace(/<script\b[\s\S]*?<\/script>/g, '<script/>')),
    charts,
    suite: {
      md: neutral(read(base, 'index.md')),
      // when each run group started is the one thing that differs: the runs were made at different times
      html: neutral(read(base, 'index.html').replace(/<script\b[\s\S]*?<\/script>/g, '<script/>')).replace(/\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d)?Z?/g, '<time>'),
      json: JSON.parse(JSON.stringify(withoutNos(JSON.parse(read(base, 'index.json')))), (k, v: unknown) => (k === 'started_at' ? '<time>' : v)),
    },
  };
}

describe('sharded CI run', () => {
  let unsharded: Report;
  let merged: Report;
  beforeAll(async () => {
    writeFileSync(at('ci.yaml'), SCENARIO);
    await cli('run', at('ci.yaml'), '--db', at('all.duckdb'), '--out', at('r-all'), '--run-group', 'x', '--quiet');
    for (const shard of ['1', '2']) {
      await cli('run', at('ci.yaml'), '--shard', `${shard}/2`, '--run-group', 'x', '--db', at(`s${shard}.duckdb`), '--out', at(`r${shard}`), '--quiet');
      await cli('export', '--parquet', at(`p${shard}`), '--db', at(`s${shard}.duckdb`));
    }
    expect(await cli('merge', at('p1'), at('p2'), '--db', at('merged.duckdb'))).toContain('(3 runs imported from 2 sources)');
    expect(await cli('report', '--db', at('merged.duckdb'), '--out', at('r-merged'))).toMatch(/report: .*ci-x\/index\.html \(3 strategies\)/);
    unsharded = load('r-all', at('all.duckdb'));
    merged = load('r-merged', at('merged.duckdb'));
  }, 120_000);

  it('the merged file numbers the runs in shard order, not in declared order (what the report must see through)', async () => {
    const store = await openStore(at('merged.duckdb'), { readOnly: true });
    try {
      const runs = await store.all<{ strategy: string; strategy_index: number }>('SELECT strategy, strategy_index FROM runs ORDER BY run_no');
      expect(runs).toEqual([
        { strategy: 'single', strategy_index: 1 },
        { strategy: 'fallback', strategy_index: 2 },
        { strategy: 'hedge', strategy_index: 0 },
      ]);
    } finally {
      store.close();
    }
  });

  it('the baseline is the first declared strategy in both reports', () => {
    for (const r of [unsharded, merged]) {
      expect(r.json.strategies.map((s) => s.strategy)).toEqual(DECLARED);
      expect(r.md).toContain('## Compared with hedge\n');
    }
  });

  it('summary markdown, summary JSON, the HTML page and every chart spec are the same', () => {
    expect(merged.md).toBe(unsharded.md);
    expect(merged.json).toEqual(unsharded.json);
    expect(merged.html).toBe(unsharded.html);
    expect(Object.keys(merged.charts)).toEqual(Object.keys(unsharded.charts));
    expect(merged.charts).toEqual(unsharded.charts);
  });

  it('the suite page gives the same answer', () => {
    expect(merged.suite.md).toBe(unsharded.suite.md);
    expect(merged.suite.json).toEqual(unsharded.suite.json);
    expect(merged.suite.html).toBe(unsharded.suite.html);
  });
});
