/**
 * Inputs that contradict themselves: `calibrate a.jsonl a.jsonl` (or a folder and a file in it)
 * counted every call of that file twice (a fit from double the calls, exit 0); `compare <a> <b>
 * --all` ignored the runs it was given, unchecked, and compared everything. Both are exit 2 now.
 * `merge r.duckdb r.duckdb --db r.duckdb` listed "is the merge target itself" twice.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli-memory.js';
import { openStore } from '../../src/store/open-store.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-twice-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (f: string) => path.join(dir, f);
mkdirSync(at('traces'));
const rows = Array.from({ length: 30 }, (_, i) => JSON.stringify({ arrival_ms: i * 100, route: 'm', input_tokens: 10, output_tokens: 5, recorded: { ok: true, status: 200, latency_ms: 100 + i, ttft_ms: 50 + i, target: 'a' } }));
writeFileSync(at('traces/a.jsonl'), `${rows.join('\n')}\n`);

describe('calibrate: a trace given twice', () => {
  it.each([
    ['the same file twice', [at('traces/a.jsonl'), at('traces/a.jsonl')], 'again'],
    ['a folder and a file in it', [at('traces'), at('traces/a.jsonl')], `also through ${at('traces')}`],
  ])('%s: exit 2, nothing written', async (_name, traces, how) => {
    const out = at(`cal-${traces.length}-${how.length}.yaml`);
    const r = await cli(['calibrate', ...traces, '-o', out]);
    expect(r.err).toBe(`${at('traces/a.jsonl')}  given twice (${how}): its calls would count twice\n1 problem found.\nhint: give each trace once (a folder stands for every .jsonl file in it)\n`);
    expect(r.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('once: the 30 calls it holds', async () => {
    const r = await cli(['calibrate', at('traces'), '-o', at('cal.yaml')]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/from 30 observed calls/);
  });
});

describe('compare: a results file with no runs', () => {
  it('exit 2 "holds no runs" (it was "x and x have no scenario in common")', async () => {
    const empty = at('empty.duckdb');
    (await openStore(empty)).close();
    const r = await cli(['compare', '--all', '--db', empty]);
    expect(r.err).toBe(`error: ${empty} holds no runs\nhint: run a scenario first (routebench run), or point --db at a results file\n`);
    expect(r.code).toBe(2);
  });
});

describe('compare: runs and --all together', () => {
  it('exit 2, naming the runs it would have ignored', async () => {
    const r = await cli(['compare', 'x.one', 'x.two', '--all', '--db', at('none.duckdb')]);
    expect(r.err).toBe('error: --all compares the newest run group of every scenario; it does not take runs (x.one, x.two)\nhint: give a baseline and a candidate, or --all, not both\n');
    expect(r.code).toBe(2);
  });
});

describe('merge: the target among its sources, twice', () => {
  it('one problem, saying what to do', async () => {
    const db = at('r.duckdb');
    writeFileSync(at('s.yaml'), 'name: s\ntraffic: { synthetic: { arrival: { process: constant, rate_per_s: 5 }, count: 3 } }\ntargets:\n  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }\nstrategies:\n  one: { use: single, options: { target: a } }\n');
    expect((await cli(['run', at('s.yaml'), '--db', db, '--out', at('reports'), '--quiet'])).code).toBe(0);
    const r = await cli(['merge', db, db, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe(`${db}  is the merge target itself (--db): merge it into another file, or leave it out`);
    expect(r.err).toContain('\n1 problem found.\n');
  }, 60_000);
});
