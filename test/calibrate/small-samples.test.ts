/**
 * calibrate on tiny and degenerate samples, each checked by hand or against the exact KS distance
 * of trace-oracle.ts (every order statistic):
 * - calls that all took the same time fit a lognormal with σ = 0 exactly (KS D 0); from 199
 *   quantiles D read 0.995 (a step CDF against every level) and the fit was called bad;
 * - one call is a fit (its value), not "no data" leaving the mock profile's 100 ms TTFT in the
 *   simulation and the backtest;
 * - a σ = 0 fit of a sample that is not all one value is as far off as the share of calls on one
 *   side of it;
 * - below 20,000 calls D is exact (from quantiles, 2 calls of 500 and 600 ms read 0.086; the exact
 *   D is 0.411).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { calibrate } from '../../src/calibrate/calibrate.js';
import { calibrationYaml } from '../../src/calibrate/calibration-yaml.js';
import { fitReport } from '../../src/calibrate/fit-report.js';
import { planScenario } from '../../src/engine/plan-scenario.js';
import { backtest } from '../../src/report/backtest.js';
import { Rng } from '../../src/rng.js';
import { runYaml } from '../helpers/run-yaml.js';
import { ksExact, phi, robustLognormal, wilsonOracle, Z_TWO_SIDED_99 } from './trace-oracle.js';

const dir = mkdtempSync(join(tmpdir(), 'rb-small-samples-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A successful streamed call to target x at `t` ms: TTFT and latency as given, 50 output tokens. */
const call = (t: number, ttft: number, latency: number, target = 'x') =>
  JSON.stringify({ arrival_ms: t, route: 'gpt-4o-mini', input_tokens: 100, output_tokens: 50, stream: true, recorded: { ok: true, status: 200, ttft_ms: ttft, latency_ms: latency, target } });
function trace(name: string, lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('degenerate and tiny samples', () => {
  it('20 identical calls: a lognormal with σ = 0 at 500 ms and KS D = 0, no empirical table', async () => {
    const c = await calibrate([trace('same.jsonl', Array.from({ length: 20 }, (_, i) => call(i * 1000, 500, 800)))]);
    const x = c.targets[0]!;
    expect([Math.exp(x.ttft!.fit.mu), x.ttft!.fit.sigma, x.ttft!.ks, x.ttft!.model]).toEqual([expect.closeTo(500, 9), 0, 0, 'lognormal']);
    // 50 tokens in 300 ms: 166.67 tokens/s, every call
    expect([Math.exp(x.tokensPerS!.fit.mu), x.tokensPerS!.ks, x.tokensPerS!.model]).toEqual([expect.closeTo(50 / 0.3, 9), 0, 'lognormal']);
    const yaml = calibrationYaml(c, 'same.jsonl');
    expect(yaml).toContain('TTFT: lognormal fits (KS D=0.000, n=20)');
    expect(yaml).toMatch(/ttft_ms:\n\s+p50: 500\n\s+p99: 500\n/);
    expect(yaml).not.toMatch(/^\s+\w+_quantiles(_ms)?:/m);
  });

  it('800 of 1,000 calls at 500 ms, 100 faster and 100 slower: σ = 0 and D = 0.1 exactly, so the empirical table', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const ttft = i % 10 === 3 ? 300 + i / 10 : i % 10 === 7 ? 600 + i / 10 : 500;
      lines.push(call(i * 100, ttft, ttft + 300));
    }
    const x = (await calibrate([trace('mostly-same.jsonl', lines)])).targets[0]!;
    expect(x.ttft!.fit.sigma).toBe(0);
    expect(x.ttft!.ks).toBeCloseTo(0.1, 12);
    // 1.6276/√1000 = 0.0515 < 0.1: the lognormal does not fit
    expect(x.ttft!.model).toBe('empirical');
  });

  it('one call per target is fitted at its own TTFT, and the backtest simulates it there', async () => {
    const file = trace('one-each.jsonl', [call(0, 700, 1000, 'x'), call(500, 2400, 3000, 'y')]);
    const c = await calibrate([file]);
    const by = Object.fromEntries(c.targets.map((t) => [t.target, t]));
    expect([by.x!.ttft!.n, Math.exp(by.x!.ttft!.fit.mu), by.x!.ttft!.ks]).toEqual([1, expect.closeTo(700, 9), 0]);
    expect(Math.exp(by.y!.ttft!.fit.mu)).toBeCloseTo(2400, 9);
    writeFileSync(join(dir, 'one-each.cal.yaml'), calibrationYaml(c, 'one-each.jsonl'));
    // every row to x, whose fit is a point mass at its one call's 700 ms
    const single = `name: one-each\ntraffic: { trace: { path: one-each.jsonl } }\ncalibration: one-each.cal.yaml\nstrategies:\n  deployed: { use: single, options: { target: x } }\n`;
    const ran = await runYaml(single, {}, join(dir, 'one-each.yaml'));
    try {
      const ttft = await ran.store.all<{ request_no: number; ttft_ms: number }>(`SELECT request_no, ttft_ms FROM requests WHERE run_no = ${ran.run('deployed')} ORDER BY request_no`);
      // x's fit: a point mass at 700 ms (prefill of 100 tokens is not fitted: one call cannot show it)
      expect(ttft.map((r) => r.ttft_ms)).toEqual([expect.closeTo(700, 6), expect.closeTo(700, 6)]);
      const prices = new Map(planScenario(ran.loaded).targets.map((t) => [t.id, t.price]));
      const bt = await backtest(ran.store, ran.run('deployed'), [file], prices, { successPp: 1, latencyPct: 10 });
      expect(bt.rows.find((r) => r.metric === 'p50 TTFT (ms)')!.simulated).toBeCloseTo(700, 6);
    } finally {
      ran.store.close();
    }
  });

  it('2 calls of 500 and 600 ms: D = 0.411, by hand and by the exact oracle', async () => {
    const x = (await calibrate([trace('two.jsonl', [call(0, 500, 900), call(10, 600, 900)])])).targets[0]!;
    // μ = ln √(500·600); σ = ½·ln(600/500) / 1.349; D = ½ − Φ(−½·ln 1.2 / σ) = ½ − Φ(−1.349)
    const sigma = (0.5 * Math.log(1.2)) / 1.3489795003921634;
    expect(x.ttft!.fit.sigma).toBeCloseTo(sigma, 12);
    expect(x.ttft!.ks).toBeCloseTo(0.5 - phi(-1.3489795003921634), 6);
    expect(x.ttft!.ks).toBeCloseTo(ksExact([500, 600], robustLognormal([500, 600])), 6);
  });

  it.each([
    ['lognormal, whole ms (ties)', (r: Rng) => Math.max(1, Math.round(4 * Math.exp(0.6 * r.normal()))), undefined],
    ['bimodal', (r: Rng) => (r.next() < 0.7 ? 300 : 2000) * Math.exp(0.1 * r.normal()), 'empirical'],
    ['lognormal', (r: Rng) => 800 * Math.exp(0.5 * r.normal()), 'lognormal'],
  ] as const)('KS distance of 300 calls, %s: the exact one, and the model it picks', async (name, draw, model) => {
    const rng = new Rng(11, 5);
    const ttfts = Array.from({ length: 300 }, () => draw(rng));
    const x = (await calibrate([trace(`ks-${name.replace(/\W+/g, '-')}.jsonl`, ttfts.map((v, i) => call(i * 1000, v, v + 400)))])).targets[0]!;
    const oracle = ksExact(ttfts, robustLognormal(ttfts));
    expect(x.ttft!.ks, name).toBeCloseTo(oracle, 6);
    // the 1% critical value for 300 calls is 1.6276/√300 = 0.094
    if (model !== undefined) expect([x.ttft!.model, oracle > 0.094]).toEqual([model, model === 'empirical']);
  });

  it('a target with no failures: the fit report gives the 99% upper bound of its error rate, z²/(n + z²), not 0', async () => {
    const c = await calibrate([trace('no-failures.jsonl', Array.from({ length: 1000 }, (_, i) => call(i * 100, 400 + (i % 13), 900)))]);
    expect(c.targets[0]!.errors).toEqual([]);
    // 2.5758² / (1000 + 2.5758²) = 0.6591%
    const bound = (Z_TWO_SIDED_99 ** 2 / (1000 + Z_TWO_SIDED_99 ** 2)) * 100;
    expect(bound.toFixed(3)).toBe('0.659');
    expect(fitReport(c)).toContain(`No failures outside incidents: the error rate is below ${bound.toFixed(3)}% (99% Wilson upper bound over 1,000 calls).`);
  });

  it('a target whose 5 calls all failed: rate 1 with a 99% Wilson interval of width > 0 (the textbook formula)', async () => {
    const lines = Array.from({ length: 5 }, (_, i) => JSON.stringify({ arrival_ms: i * 1000, route: 'gpt-4o-mini', input_tokens: 100, output_tokens: 0, recorded: { ok: false, status: 529, error_kind: 'overloaded', latency_ms: 80 + i, target: 'x' } }));
    const x = (await calibrate([trace('all-failed.jsonl', lines)])).targets[0]!;
    const [lo, hi] = wilsonOracle(5, 5, Z_TWO_SIDED_99);
    expect(x.errors).toEqual([{ kind: 'overloaded', count: 5, rate: 1, lo: expect.closeTo(lo, 12), hi: expect.closeTo(hi, 12) }]);
    // z²/(n + z²) = 6.635/11.635: the lower limit is 0.430, not 1
    expect(x.errors[0]!.lo).toBeCloseTo(5 / (5 + Z_TWO_SIDED_99 ** 2), 12);
    expect(x.ttft).toBeUndefined();
    expect(x.errorLatency!.n).toBe(5);
  });
});
