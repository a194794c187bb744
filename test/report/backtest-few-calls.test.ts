/**
 * A backtest of a short recording does not judge a percentile it has too few calls for: with fewer
 * than 1/(1 − p) successful calls (20 for p95) none lies beyond it, and the figure is interpolated
 * among the slowest few. Counts worked out by hand: 19 calls, 19 × 0.05 < 1; 20 calls, 20 × 0.05 = 1.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runYaml } from '../helpers/run-yaml.js';
import { backtestYaml, runBacktest } from './backtest-scenario.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rb-bt-few-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The backtest of `calls` successful, unstreamed recorded calls against a perfect mock. */
async function backtestOf(calls: number) {
  const file = join(dir, `t${calls}.jsonl`);
  const rows = Array.from({ length: calls }, (_, i) =>
    JSON.stringify({ arrival_ms: i * 500, route: 'gpt-4o-mini', input_tokens: 200, output_tokens: 50, stream: false, recorded: { ok: true, status: 200, latency_ms: 900 + 10 * i, target: 'p' } }),
  );
  writeFileSync(file, `${rows.join('\n')}\n`);
  const ran = await runYaml(backtestYaml(`few${calls}`, file, 'perfect'));
  const done = await runBacktest(ran);
  ran.store.close();
  return { ...done, row: (m: string) => done.result.rows.find((r) => r.metric === m)! };
}

describe('backtest of a short recording', () => {
  it('19 calls: p95 latency is "too few calls", not judged; p50 is judged', async () => {
    const b = await backtestOf(19);
    expect(b.result.requests).toEqual({ recorded: 19, simulated: 19 });
    const p95 = b.row('p95 latency (ms)');
    expect(p95.difference).not.toBeNull();
    expect(p95.few).toBe(true);
    expect(p95.within).toBeUndefined();
    expect(b.row('p50 latency (ms)').few).toBeUndefined();
    expect(typeof b.row('p50 latency (ms)').within).toBe('boolean');
    // no streamed call: TTFT has no value at all, which is not the same as too few
    expect(b.row('p95 TTFT (ms)').recorded).toBeNull();
    expect(b.row('p95 TTFT (ms)').few).toBeUndefined();
    expect(b.markdown).toMatch(/\| p95 latency \(ms\) \|[^\n]*\| too few calls \|/);
    expect(b.markdown).toContain('A percentile marked "too few calls"');
  });

  it('20 calls: p95 latency is judged', async () => {
    const b = await backtestOf(20);
    expect(b.row('p95 latency (ms)').few).toBeUndefined();
    expect(typeof b.row('p95 latency (ms)').within).toBe('boolean');
    expect(b.markdown).not.toContain('too few calls');
  });
});
