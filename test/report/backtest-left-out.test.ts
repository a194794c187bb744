/**
 * The backtest compares the same calls on both sides. The recorded side leaves out calls a gateway
 * answered from its cache, calls the app hung up on and rows without an outcome; the simulation
 * replays every row, so those requests leave the simulated side too, and the output says how many.
 * Hand-built trace (80 rows: 10 cache hits, 2 hung up, 1 without an outcome); the simulated
 * figures are recomputed here in plain JavaScript from the run's attempt rows for the 67 requests
 * left in, not with the backtest's SQL.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runYaml } from '../helpers/run-yaml.js';
import { backtestYaml, runBacktest } from './backtest-scenario.js';
import { backtestVerdict } from '../../src/report/backtest.js';
import { sortedQuantile } from '../../src/report/stats/verdict.js';
import { newcombeDiff } from '../../src/stats/wilson.js';

let dir: string;
let trace: string;
const cacheRows = new Set([3, 11, 19, 27, 35, 43, 51, 59, 67, 75]);
const hungUp = new Set([10, 50]);
const noOutcome = new Set([70]);
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rb-bt-left-out-'));
  trace = join(dir, 'trace.jsonl');
  const rows: string[] = [];
  for (let i = 0; i < 80; i++) {
    const base = { arrival_ms: i * 500, route: 'gpt-4o-mini', input_tokens: 200, output_tokens: 50, stream: false };
    if (noOutcome.has(i)) rows.push(JSON.stringify(base));
    else if (cacheRows.has(i)) rows.push(JSON.stringify({ ...base, recorded: { ok: true, status: 200, latency_ms: 3, target: 'cache', cache_hit: true } }));
    else if (hungUp.has(i)) rows.push(JSON.stringify({ ...base, recorded: { ok: false, status: 0, latency_ms: 40, target: 'p', client_closed: true } }));
    else rows.push(JSON.stringify({ ...base, recorded: { ok: i % 9 !== 4, status: i % 9 !== 4 ? 200 : 500, latency_ms: 900 + 10 * i, target: 'p', ...(i % 9 === 4 ? { error_kind: 'server_error' } : {}) } }));
  }
  writeFileSync(trace, `${rows.join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('backtest: rows left out of the recorded side leave the simulated side too', () => {
  it('counts the same 67 requests on both sides and says what it left out', async () => {
    const ran = await runYaml(backtestYaml('bt', trace, 'flaky'));
    const runNo = ran.run('deployed');
    const done = await runBacktest(ran);
    const bt = done.result;

    // the simulation sent all 80; the backtest compares the 67 provider calls on each side
    const attempts = await ran.store.all<{ request_no: number; outcome: string; end_ms: number; scheduled_ms: number }>(
      `SELECT request_no, outcome::VARCHAR AS outcome, end_ms, scheduled_ms FROM attempts WHERE run_no = ${runNo} ORDER BY request_no, attempt_no`,
    );
    expect(new Set(attempts.map((a) => a.request_no)).size).toBe(80);
    expect(bt.requests).toEqual({ recorded: 67, simulated: 67 });
    expect(bt.leftOut).toEqual({ cacheHits: 10, clientClosed: 2, unobserved: 1 });
    expect(done.markdown).toContain("Compared: 67 recorded calls and 67 simulated requests; left out of both sides (they say nothing about a provider): 10 calls answered from a gateway's cache, 2 calls the app hung up on and 1 row without a recorded outcome.");

    // JavaScript oracle over the attempt rows of the requests left in
    const kept = new Map<number, { ok: boolean; latency: number }>();
    for (const a of attempts) {
      if (cacheRows.has(a.request_no) || hungUp.has(a.request_no) || noOutcome.has(a.request_no)) continue;
      const q = kept.get(a.request_no) ?? { ok: false, latency: 0 };
      if (a.outcome === 'ok') q.ok = true;
      q.latency = Math.max(q.latency, a.end_ms - a.scheduled_ms);
      kept.set(a.request_no, q);
    }
    expect(kept.size).toBe(67);
    const oks = [...kept.values()].filter((q) => q.ok);
    const row = (m: string) => bt.rows.find((r) => r.metric === m)!;
    expect(row('success rate').simulated).toBeCloseTo(oks.length / 67, 12);
    // recorded: 67 provider calls, of which rows with i % 9 === 4 (and not left out) failed: 8 of them
    const recordedFails = [...Array(80).keys()].filter((i) => !cacheRows.has(i) && !hungUp.has(i) && !noOutcome.has(i) && i % 9 === 4).length;
    expect(recordedFails).toBe(8);
    expect(row('success rate').recorded).toBeCloseTo(59 / 67, 12);
    const lat = Float64Array.from(oks.map((q) => q.latency)).sort();
    expect(row('p50 latency (ms)').simulated).toBeCloseTo(sortedQuantile(lat, 0.5), 6);
    expect(row('p95 latency (ms)').simulated).toBeCloseTo(sortedQuantile(lat, 0.95), 6);
    ran.store.close();
  });

  it('the recorded failover rate is a share of the calls whose upstream attempts are known, and so is its interval', async () => {
    // 40 calls; 10 carry their upstream attempts (4 of them failovers), 30 do not say
    const file = join(dir, 'mixed.jsonl');
    const rows = Array.from({ length: 40 }, (_, i) => {
      const attempts = i < 10 ? (i < 4 ? [{ target: 'q', status: 500 }, { target: 'p', status: 200 }] : [{ target: 'p', status: 200 }]) : undefined;
      return JSON.stringify({ arrival_ms: i * 500, route: 'gpt-4o-mini', input_tokens: 200, output_tokens: 50, stream: false, recorded: { ok: true, status: 200, latency_ms: 900, target: 'p', ...(attempts ? { attempts } : {}) } });
    });
    writeFileSync(file, `${rows.join('\n')}\n`);
    const ran = await runYaml(backtestYaml('bt2', file, 'perfect'));
    const bt = (await runBacktest(ran)).result;
    const failover = bt.rows.find((r) => r.metric === 'failover rate')!;
    expect(failover.recorded).toBeCloseTo(4 / 10, 12);
    expect(failover.simulated).toBe(0); // one target: never a failover, over all 40 requests
    const ref = newcombeDiff(0, 40, 4, 10); // 4 of the 10 known, not 16 of 40
    expect(failover.ci![0]).toBeCloseTo(ref.lo * 100, 9);
    expect(failover.ci![1]).toBeCloseTo(ref.hi * 100, 9);
    ran.store.close();
  });

  it('a simulation that stopped early is not judged against the whole recording', async () => {
    const ran = await runYaml(backtestYaml('bt3', trace, 'perfect'));
    const whole = await runBacktest(ran);
    expect(whole.result.partial).toBeUndefined();
    // what the runner writes when an abort_on_fail threshold stops a run at 12 s
    await ran.store.run(`UPDATE runs SET status = 'thresholds_failed', stopped_at_ms = 12000 WHERE run_no = ${ran.run('deployed')}`);
    const stopped = await runBacktest(ran);
    expect(stopped.result.pass).toBe(false);
    expect(stopped.result.partial).toBe('an abort_on_fail threshold stopped the simulation at 12s of the recording');
    expect(backtestVerdict({ pass: true })).toBe('within tolerance');
    expect(backtestVerdict(stopped.result)).toBe('not judged: an abort_on_fail threshold stopped the simulation at 12s of the recording'); // what `run` prints, not 'OUT OF TOLERANCE'
    expect(backtestVerdict({ pass: false })).toBe('OUT OF TOLERANCE');
    expect(stopped.markdown).toContain('Within tolerance: **not judged**');
    expect(stopped.markdown).toContain('**Not judged**: an abort_on_fail threshold stopped the simulation at 12s of the recording');
    await ran.store.run(`UPDATE runs SET status = 'interrupted', stopped_at_ms = NULL WHERE run_no = ${ran.run('deployed')}`);
    expect((await runBacktest(ran)).result.partial).toBe('the simulation did not finish (status interrupted)');
    ran.store.close();
  });
});
