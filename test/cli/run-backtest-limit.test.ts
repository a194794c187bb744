/**
 * `run --limit N` over a scenario with a `backtest:` block simulated the first N requests and
 * then judged them against the whole recording: here 10 simulated (100% ok) against 40 recorded
 * (75% ok) read "within tolerance" (the 10-request interval reaches into 1 pp), and on
 * scenarios/own-traffic.yaml `--limit 50` read "OUT OF TOLERANCE" and failed the gate with exit
 * 3: a verdict either way about a simulation that did not see the recording. A limit that cuts
 * the recording short now leaves the backtest not judged, as an abort_on_fail stop does, and does
 * not fail `run` by itself; without --limit (or with one the recording fits in) the same scenario
 * is judged as before.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli-memory.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-run-backtest-limit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (f: string) => path.join(dir, f);
// the first 10 calls all succeed; of the 30 after them, every third fails: 30 of 40 ok
const row = (i: number) => {
  const ok = i < 10 || i % 3 !== 0;
  return JSON.stringify({ arrival_ms: i * 100, route: 'gpt-4o-mini', input_tokens: 10, output_tokens: 5, recorded: { ok, status: ok ? 200 : 500, ...(ok ? {} : { error_kind: 'server_error' }), latency_ms: 150, target: 'a' } });
};
writeFileSync(at('rec.jsonl'), `${Array.from({ length: 40 }, (_, i) => row(i)).join('\n')}\n`);
writeFileSync(
  at('bt.yaml'),
  'name: bt\ntraffic:\n  trace: { path: rec.jsonl }\ntargets:\n  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }\nbacktest: { strategy: deployed, latency_pct: 100000 }\nstrategies:\n  deployed: { use: single, options: { target: a } }\n',
);

let n = 0;
const run = async (...more: string[]) => {
  const out = at(`reports${++n}`);
  const r = await cli(['run', at('bt.yaml'), '--db', at(`r${n}.duckdb`), '--out', out, '--workers', '1', ...more]);
  const group = readdirSync(path.join(out, 'bt')).find((d) => d !== 'latest')!;
  return { ...r, md: readFileSync(path.join(out, 'bt', group, 'backtest.md'), 'utf8') };
};

describe('run --limit with a backtest block', () => {
  it('a limit that cuts the recording short: not judged, exit 0', async () => {
    const r = await run('--limit', '10');
    expect(r.out).toContain('backtest of deployed against the recording: not judged: --limit 10 simulated only the first 10 requests of the recording (');
    expect(r.md).toContain('Within tolerance: **not judged**');
    expect(r.md).toContain('**Not judged**: --limit 10 simulated only the first 10 requests of the recording, so it covers only part of the recording');
    expect(r.md).toContain('Compared: 40 recorded calls and 10 simulated requests.');
    expect(r.code).toBe(0);
  }, 60_000);

  it('the whole recording: judged, 100% simulated against 75% recorded is out of tolerance, exit 3', async () => {
    for (const more of [[], ['--limit', '40'], ['--limit', '1000']]) {
      const r = await run(...more);
      expect(r.out).toContain('backtest of deployed against the recording: OUT OF TOLERANCE (');
      expect(r.md).toContain('Compared: 40 recorded calls and 40 simulated requests.');
      expect(r.md).toContain('| success rate | 75.00% | 100.00% |');
      expect(r.code).toBe(3);
    }
  }, 60_000);
});
