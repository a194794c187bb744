/**
 * Thresholds: a strategy's own threshold adds to the scenario-wide one (both must hold), `validate`
 * says so, and the `_all` latency metrics (failures at their time of failure) and the report's
 * percentiles agree with a second implementation computed in JS from the attempt rows.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateHandler } from '../../src/cli/commands/validate.js';
import { memoryIo } from '../../src/cli/io.js';
import { combineThresholds } from '../../src/scenario/threshold-expr.js';
import { summary } from '../../src/store/queries.js';
import { runYaml, twoTargetYaml } from '../helpers/run-yaml.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-thresholds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Type-7 quantile (linear interpolation between order statistics), written independently of DuckDB. */
function type7(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  return s[lo]! + (h - lo) * (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!);
}

const scenario = (wide: string, own: string) =>
  twoTargetYaml({
    count: 400,
    a: '{ profile: flaky }',
    strategies: `  single:\n    use: single\n    options: { target: a }\n    thresholds:\n      p99_latency_ms: ['${own}']`,
    extra: `thresholds:\n  p99_latency_ms: ['${wide}']\n  success_rate: ['> 0.5']`,
  });

describe("a strategy's thresholds combine with the scenario-wide ones", () => {
  it('a lax own threshold does not switch off a strict scenario-wide one on the same metric', async () => {
    const ran = await runYaml(scenario('< 1', '< 1000000'));
    const t = ran.result.runs[0]!.thresholds;
    expect(t.map((x) => [x.metric, x.threshold, x.passed])).toEqual([
      ['p99_latency_ms', '< 1', false],
      ['p99_latency_ms', '< 1000000', true],
      ['success_rate', '> 0.5', true],
    ]);
    expect(ran.result.runs[0]!.status).toBe('thresholds_failed');
    ran.store.close();
  });

  it('and a strict own threshold fails even when the scenario-wide one passes', async () => {
    const ran = await runYaml(scenario('< 1000000', '< 1'));
    expect(ran.result.runs[0]!.thresholds.filter((x) => !x.passed).map((x) => x.threshold)).toEqual(['< 1']);
    ran.store.close();
  });

  it('combineThresholds keeps both lists, scenario-wide first, a repeated entry once', () => {
    expect(combineThresholds({ a: ['< 1', '> 0'], b: ['< 2'] }, { a: ['<  1', '< 5'], c: ['< 3'] })).toEqual({ a: ['< 1', '> 0', '< 5'], b: ['< 2'], c: ['< 3'] });
    expect(combineThresholds({ a: ['< 1'] }, undefined)).toEqual({ a: ['< 1'] });
  });

  it('validate says that both must hold', async () => {
    const file = path.join(dir, 'combined.yaml');
    writeFileSync(file, scenario('< 9000', '< 4000'));
    const io = memoryIo();
    await validateHandler({ paths: [file], traffic: true }, io);
    expect(io.stdout).toContain(`ok  ${file} (1 strategy, 2 targets)`);
    expect(io.stdout).toContain('    thresholds single: p99_latency_ms < 4000 (its own) and < 9000 (scenario-wide): both must hold');
  });
});

describe('percentiles against a second implementation', () => {
  it('p50/p95/p99 latency (successes) and the _all latencies (failures at their time of failure) match JS over the attempt rows', async () => {
    const ran = await runYaml(
      twoTargetYaml({
        count: 1500,
        a: '{ profile: flaky, errors: { server_error: 0.1, timeout: 0.02 } }',
        strategies: `  single:\n    use: single\n    options: { target: a }\n    thresholds:\n      p99_latency_all_ms: ['< 1e12']\n      p95_latency_all_ms: ['< 1e12']\n      p50_latency_all_ms: ['< 1e12']\n      latency_all_ms: ['p(90) < 1e12']`,
      }),
    );
    const runNo = ran.run('single');
    const rows = await ran.store.all<{ request_no: number; scheduled_ms: number; end_ms: number; outcome: string }>(
      `SELECT request_no, scheduled_ms, end_ms, outcome::VARCHAR AS outcome FROM attempts WHERE run_no = ${runNo} AND outcome <> 'gave_up'`,
    );
    // Per request, by hand: a success's latency is its ok attempt's end; a failure's is its last attempt's end.
    const byRequest = new Map<number, { scheduled: number; okEnd: number; lastEnd: number }>();
    for (const r of rows) {
      const x = byRequest.get(r.request_no) ?? { scheduled: r.scheduled_ms, okEnd: -Infinity, lastEnd: -Infinity };
      if (r.outcome === 'ok') x.okEnd = Math.max(x.okEnd, r.end_ms);
      x.lastEnd = Math.max(x.lastEnd, r.end_ms);
      byRequest.set(r.request_no, x);
    }
    const ok = [...byRequest.values()].filter((x) => x.okEnd > -Infinity).map((x) => x.okEnd - x.scheduled);
    const all = [...byRequest.values()].map((x) => (x.okEnd > -Infinity ? x.okEnd : x.lastEnd) - x.scheduled);
    expect(all.length).toBe(1500);
    expect(ok.length).toBeLessThan(1450); // failures exist, so the two differ

    const [s] = await summary(ran.store, [runNo]);
    expect(s!.p50_latency_ms).toBeCloseTo(type7(ok, 0.5), 6);
    expect(s!.p95_latency_ms).toBeCloseTo(type7(ok, 0.95), 6);
    expect(s!.p99_latency_ms).toBeCloseTo(type7(ok, 0.99), 6);

    const t = Object.fromEntries(ran.result.runs[0]!.thresholds.map((x) => [x.metric, x.actual]));
    expect(t.p50_latency_all_ms).toBeCloseTo(type7(all, 0.5), 6);
    expect(t.p95_latency_all_ms).toBeCloseTo(type7(all, 0.95), 6);
    expect(t.p99_latency_all_ms).toBeCloseTo(type7(all, 0.99), 6);
    expect(t.latency_all_ms).toBeCloseTo(type7(all, 0.9), 6);
    // Timeouts fail late: counting them moves the tail up.
    expect(t.p99_latency_all_ms!).toBeGreaterThan(s!.p99_latency_ms!);
    ran.store.close();
  });

  it('type7 itself, on data with a known answer', () => {
    expect(type7([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000], 0.9)).toBeCloseTo(910, 12);
    expect(type7([5, 1, 3], 0.5)).toBe(3);
  });
});
