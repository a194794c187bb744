/**
 * `backtest` over a trace without an observed outcome (no row carries `recorded`: a synthetic or
 * public trace) simulated the whole trace, wrote the run to the results file, and only then
 * failed ("has no rows with an observed outcome", exit 2). It now refuses before the simulation
 * with the problem `validate` reports (exit 2): no results file is created. Rows that say nothing
 * about a provider (a gateway's cache hits, calls the app hung up on) are not outcomes either, for
 * both commands, as the backtest's recorded side leaves them out.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli-memory.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-backtest-no-outcomes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (f: string) => path.join(dir, f);
const row = (i: number, recorded?: object) => JSON.stringify({ arrival_ms: i * 100, route: 'gpt-4o-mini', input_tokens: 10, output_tokens: 5, ...(recorded ? { recorded } : {}) });
const trace = (name: string, rows: string[]) => writeFileSync(at(name), `${rows.join('\n')}\n`);
trace('plain.jsonl', [0, 1, 2].map((i) => row(i)));
trace('cache.jsonl', [row(0, { ok: true, status: 200, latency_ms: 3, target: 'cache', cache_hit: true }), row(1, { ok: false, status: 0, latency_ms: 50, target: 'a', client_closed: true }), row(2)]);
trace('recording.jsonl', Array.from({ length: 20 }, (_, i) => row(i, { ok: true, status: 200, latency_ms: 100 + i, target: 'a' })));
const scenario = (name: string, t: string) =>
  writeFileSync(at(name), `name: bt\ntraffic:\n  trace: { path: ${t} }\ntargets:\n  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }\nbacktest: { strategy: deployed, latency_pct: 100000 }\nstrategies:\n  deployed: { use: single, options: { target: a } }\n`);
scenario('plain.yaml', 'plain.jsonl');
scenario('cache.yaml', 'cache.jsonl');
scenario('recording.yaml', 'recording.jsonl');
const problem = (yaml: string, jsonl: string) =>
  `${at(yaml)}  backtest  the trace ${at(jsonl)} has no rows with an observed outcome ("recorded"), so there is nothing to backtest against: record traffic with routebench record, or import logs that carry outcomes\n1 problem found.\n`;

describe('backtest: a trace without an observed outcome', () => {
  it.each([
    ['plain.yaml', 'plain.jsonl'],
    ['cache.yaml', 'cache.jsonl'],
  ])('%s: the problem validate reports, exit 2, before the simulation (no results file)', async (yaml, jsonl) => {
    const db = at(`${yaml}.duckdb`);
    const r = await cli(['backtest', at(yaml), '--db', db, '--out', at('reports')]);
    expect(existsSync(db)).toBe(false); // nothing was simulated: the run would be in it
    expect(r.err).toBe(problem(yaml, jsonl));
    expect(r.out).toBe('');
    expect(r.code).toBe(2);
    expect(existsSync(path.join(at('reports'), 'bt', 'backtest.md'))).toBe(false);
    const v = await cli(['validate', at(yaml)]);
    expect(v.err).toBe(problem(yaml, jsonl));
    expect(v.code).toBe(2);
  }, 60_000);

  it('a recording is backtested', async () => {
    const db = at('recording.duckdb');
    const r = await cli(['backtest', at('recording.yaml'), '--db', db, '--out', at('reports')]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^## Backtest: deployed against the recording\n/);
    expect(existsSync(db)).toBe(true);
  }, 60_000);
});
