/**
 * `run --junit` over a scenario with a `backtest:` block: the backtest out of tolerance made `run`
 * exit 3, but the JUnit XML held only the run and threshold cases, all passing (`failures="0"`),
 * so a CI test reporter showed green for a job that failed, with nothing saying why. The backtest
 * is now a test case of its own: failed when out of tolerance, passed within it, skipped when not
 * judged (here `--limit` cut the recording short).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli-memory.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-run-backtest-junit-'));
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
const run = async (file: string, ...more: string[]) => {
  const junit = at(`junit${++n}.xml`);
  const r = await cli(['run', at(file), '--db', at(`r${n}.duckdb`), '--out', at(`reports${n}`), '--workers', '1', '--quiet', '--junit', junit, ...more]);
  return { ...r, xml: readFileSync(junit, 'utf8') };
};
const backtestCase = (xml: string) => xml.split('\n    <testcase').find((c) => c.includes('backtest against the recording'))?.split('\n  </testsuite>')[0];

describe('run --junit: the backtest is a test case', () => {
  it('out of tolerance (75% recorded, 100% simulated): a failed case, and the counts say so, as exit 3 does', async () => {
    const r = await run('drift.yaml');
    expect(r.code).toBe(3);
    expect(backtestCase(r.xml)).toContain(' classname="drift.deployed" name="deployed: backtest against the recording" time="0">\n      <failure message="backtest of deployed against the recording: OUT OF TOLERANCE" type="backtest">');
    expect(r.xml).toContain('<testsuites name="routebench" tests="2" failures="1" errors="0" time="0">');
    expect(r.xml).toContain('<testsuite name="drift" tests="2" failures="1" errors="0" skipped="0" time="0">');
  }, 60_000);

  it('within tolerance: a passed case', async () => {
    const r = await run('same.yaml');
    expect(r.code).toBe(0);
    expect(backtestCase(r.xml)).toBe(' classname="same.deployed" name="deployed: backtest against the recording" time="0"></testcase>');
    expect(r.xml).toContain('<testsuite name="same" tests="2" failures="0" errors="0" skipped="0" time="0">');
  }, 60_000);

  it('not judged (--limit 10 of 40): a skipped case saying why', async () => {
    const r = await run('drift.yaml', '--limit', '10');
    expect(r.code).toBe(0);
    expect(backtestCase(r.xml)).toContain('<skipped message="not judged: --limit 10 simulated only the first 10 requests of the recording"/>');
    expect(r.xml).toContain('<testsuite name="drift" tests="2" failures="0" errors="0" skipped="1" time="0">');
  }, 60_000);
});
