/**
 * `run` over a scenario with a `backtest:` block whose trace has no observed outcome (no row
 * carries `recorded`: a synthetic or public trace) simulated every strategy, wrote the runs and
 * their report, and only then failed at the backtest ("has no rows with an observed outcome",
 * exit 2). It is now one of the scenario problems `run` lists before it runs anything: the line
 * `validate` and `backtest` print, exit 2, nothing simulated, no results file. Only where the
 * backtest would run: `--strategy` or a `--shard` slice without the deployed strategy runs as
 * before; `--limit` does not hide or invent the problem (the backtest reads the whole trace).
 * `replay` shares the check.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli-memory.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-run-no-outcomes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (f: string) => path.join(dir, f);
const row = (i: number, observed: boolean) =>
  JSON.stringify({ arrival_ms: i * 100, route: 'gpt-4o-mini', input_tokens: 10, output_tokens: 5, ...(observed ? { recorded: { ok: true, status: 200, latency_ms: 150, target: 'a' } } : {}) });
writeFileSync(at('plain.jsonl'), `${[0, 1, 2].map((i) => row(i, false)).join('\n')}\n`);
// the first row has no outcome, the rest have: `--limit 1` simulates only the first
writeFileSync(at('late.jsonl'), `${Array.from({ length: 20 }, (_, i) => row(i, i > 0)).join('\n')}\n`);
const scenario = (name: string, trace: string) =>
  `name: ${name}\ntraffic:\n  trace: { path: ${trace} }\ntargets:\n  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }\nbacktest: { strategy: deployed, latency_pct: 100000 }\nstrategies:\n  deployed: { use: single, options: { target: a } }\n  other: { use: single, options: { target: a } }\n`;
writeFileSync(at('plain.yaml'), scenario('bt', 'plain.jsonl'));
writeFileSync(at('late.yaml'), scenario('late', 'late.jsonl'));
writeFileSync(at('broken.yaml'), 'name: broken\ntraffic:\n  trace: { path: plain.jsonl }\ntargets:\n  a: { provider: openai, model: gpt-4o-mini }\nstrategies:\n  s: { use: single, options: { target: nope } }\n');
const noOutcomes = `${at('plain.yaml')}  backtest  the trace ${at('plain.jsonl')} has no rows with an observed outcome ("recorded"), so there is nothing to backtest against: record traffic with routebench record, or import logs that carry outcomes\n`;

let n = 0;
const run = async (files: string[], ...more: string[]) => {
  const db = at(`r${++n}.duckdb`);
  const out = at(`reports${n}`);
  const r = await cli(['run', ...files.map(at), '--db', db, '--out', out, '--workers', '1', '--quiet', ...more]);
  return { ...r, db: existsSync(db), reports: existsSync(out) };
};

describe('run: a backtest over a trace without an observed outcome', () => {
  it.each([[[]], [['--limit', '1']], [['--strategy', 'deployed']], [['--shard', '1/2']]])('%j: refused before anything runs, as validate says it', async (more) => {
    // the sorted matrix is (bt, deployed), (bt, other): shard 1/2 runs the deployed strategy
    const r = await run(['plain.yaml'], ...more);
    expect(r.err).toBe(`${noOutcomes}1 problem found.\n`);
    expect(r.out).toBe(''); // no summary: nothing was simulated
    expect(r.code).toBe(2);
    expect(r.db).toBe(false);
    expect(r.reports).toBe(false);
    expect((await cli(['validate', at('plain.yaml')])).err).toBe(`${noOutcomes}1 problem found.\n`);
  }, 60_000);

  it('replay (on the mocks) too: refused before anything is sent', async () => {
    const db = at('replay.duckdb');
    const r = await cli(['replay', at('plain.yaml'), '--db', db, '--out', at('replay-reports'), '--quiet']);
    expect(r.err).toBe(`${noOutcomes}1 problem found.\n`);
    expect(r.out).toBe('');
    expect(r.code).toBe(2);
    expect(existsSync(db)).toBe(false);
  }, 60_000);

  it('listed with the other scenarios\' problems', async () => {
    const r = await run(['plain.yaml', 'broken.yaml']);
    const broken = `${at('broken.yaml')}:7:40  strategies.s.options.target  unknown target "nope" (known: a)\n`;
    expect(r.err).toBe(`${broken}${noOutcomes}2 problems found.\n`);
    expect(r.out).toBe('');
    expect((await cli(['validate', at('plain.yaml'), at('broken.yaml')])).err).toBe(r.err);
    expect(r.code).toBe(2);
    expect(r.db).toBe(false);
  }, 60_000);

  it.each([[['--strategy', 'other']], [['--shard', '2/2']]])('%j: the deployed strategy does not run, so neither does the backtest: runs', async (more) => {
    const r = await run(['plain.yaml'], ...more);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.db).toBe(true);
  }, 60_000);

  it('--limit 1 over a recording whose first row has no outcome is not refused (the backtest reads the whole trace)', async () => {
    const r = await run(['late.yaml'], '--limit', '1');
    expect(r.err).not.toContain('observed outcome');
    expect(r.db).toBe(true);
  }, 60_000);
});
