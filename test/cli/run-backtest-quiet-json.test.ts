/**
 * `run --quiet` ("print only failures") and `run --json` over a scenario whose backtest is out of
 * tolerance exited 3 without a word about it: --quiet printed nothing at all (the ok runs are not
 * failures, and the backtest line was printed only without --quiet), and --json's summary held no
 * backtest, so a gate reading it could not tell why the job failed. --quiet now prints the
 * backtest line when it is out of tolerance (not when within), and --json carries the verdict
 * per scenario.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli-memory.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-run-backtest-quiet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (f: string) => path.join(dir, f);
// 40 calls, every fourth failed: 30 of 40 ok (75%); the perfect mock answers all of them (100%)
const row = (i: number, fail: boolean) =>
  JSON.stringify({ arrival_ms: i * 100, route: 'gpt-4o-mini', input_tokens: 10, output_tokens: 5, recorded: { ok: !fail, status: fail ? 500 : 200, ...(fail ? { error_kind: 'server_error' } : {}), latency_ms: 150, target: 'a' } });
writeFileSync(at('drift.jsonl'), `${Array.from({ length: 40 }, (_, i) => row(i, i % 4 === 3)).join('\n')}\n`);
writeFileSync(at('same.jsonl'), `${Array.from({ length: 40 }, (_, i) => row(i, false)).join('\n')}\n`);
const scenario = (name: string, trace: string) =>
  `name: ${name}\ntraffic:\n  trace: { path: ${trace} }\ntargets:\n  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }\nbacktest: { strategy: deployed, latency_pct: 100000 }\nstrategies:\n  deployed: { use: single, options: { target: a } }\n`;
writeFileSync(at('drift.yaml'), scenario('drift', 'drift.jsonl'));
writeFileSync(at('same.yaml'), scenario('same', 'same.jsonl'));

let n = 0;
const run = (file: string, ...more: string[]) => {
  n++;
  return cli(['run', at(file), '--db', at(`r${n}.duckdb`), '--out', at(`reports${n}`), '--workers', '1', ...more]);
};

describe('run: a backtest out of tolerance is said under --quiet and --json', () => {
  it('--quiet: the backtest line is the only output, exit 3', async () => {
    const r = await run('drift.yaml', '--quiet');
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/^backtest of deployed against the recording: OUT OF TOLERANCE \(.*reports1[\\/]drift[\\/]drift-\d{8}T\d{6}Z[\\/]backtest\.md\)\n$/);
  }, 60_000);

  it('--quiet within tolerance: nothing, exit 0', async () => {
    const r = await run('same.yaml', '--quiet');
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
  }, 60_000);

  it('--json: the scenario carries the backtest verdict', async () => {
    const drift = await run('drift.yaml', '--json');
    expect(drift.code).toBe(3);
    const bt = JSON.parse(drift.out).scenarios[0].backtest;
    expect(bt).toMatchObject({ strategy: 'deployed', within_tolerance: false, verdict: 'OUT OF TOLERANCE' });
    expect(bt.file).toMatch(/backtest\.md$/);
    const same = await run('same.yaml', '--json');
    expect(same.code).toBe(0);
    expect(JSON.parse(same.out).scenarios[0].backtest).toMatchObject({ strategy: 'deployed', within_tolerance: true, verdict: 'within tolerance' });
    const limited = await run('drift.yaml', '--json', '--limit', '10');
    expect(JSON.parse(limited.out).scenarios[0].backtest).toMatchObject({ within_tolerance: null, verdict: 'not judged: --limit 10 simulated only the first 10 requests of the recording' });
  }, 60_000);
});
