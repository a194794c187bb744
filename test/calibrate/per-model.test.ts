/**
 * A target that served two models with clearly different timing (one upstream for gpt-4o and
 * gpt-4o-mini): calibrate fits each model on its own (`mock.models`), the simulation draws each
 * request's TTFT from the model it asks for and prices it at that model's price, and a model with
 * too few calls stays pooled into the target's fit. Every expected figure comes from the
 * generating parameters below, not from the code under test:
 * - the fitted median of a model is the sample median of its log TTFT: within 4 standard errors
 *   of the true ln(median), SE = √(π/2)·σ/√n (the median of a normal sample);
 * - the simulated median is drawn from that fit: the two errors add, 4·√(π/2)·σ·√(1/n_fit + 1/n_sim);
 * - a call's cost is 100 input and 100 output tokens at the price given here, per 1M tokens.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { calibrate, type Calibration } from '../../src/calibrate/calibrate.js';
import { calibrationYaml } from '../../src/calibrate/calibration-yaml.js';
import { fitReport } from '../../src/calibrate/fit-report.js';
import { planScenario } from '../../src/engine/plan-scenario.js';
import { formatProblem, HarnessError } from '../../src/errors.js';
import { backtest, backtestMarkdown } from '../../src/report/backtest.js';
import { Rng } from '../../src/rng.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { runYaml } from '../helpers/run-yaml.js';

const dir = mkdtempSync(join(tmpdir(), 'rb-per-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SIGMA = 0.3;
/** Generating parameters: TTFT median (ms), tokens/s median, everyday server_error share. */
const TRUTH: Record<string, { ttft: number; tps: number; errors: number }> = {
  'gpt-4o-mini': { ttft: 200, tps: 100, errors: 0 },
  'gpt-4o': { ttft: 800, tps: 40, errors: 0.1 },
  'rare-x': { ttft: 400, tps: 60, errors: 0 },
};
const ROWS = 3010;
const modelOf = (i: number) => (i % 301 === 150 ? 'rare-x' : i % 2 === 0 ? 'gpt-4o-mini' : 'gpt-4o');
const seSpan = (n: number) => (4 * Math.sqrt(Math.PI / 2) * SIGMA) / Math.sqrt(n);

/** The recorded trace: every call to target `up`, 100 input and 100 output tokens, streamed. */
function writeTrace(): { file: string; okByModel: Map<string, number>; ttftsByModel: Map<string, number[]> } {
  const rng = new Rng(20261207, 3);
  const okByModel = new Map<string, number>();
  const ttftsByModel = new Map<string, number[]>();
  const lines: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    const model = modelOf(i);
    const g = TRUTH[model]!;
    const [zTtft, zTps, u] = [rng.normal(), rng.normal(), rng.next()];
    const ok = u >= g.errors;
    const ttft = g.ttft * Math.exp(SIGMA * zTtft);
    const tps = g.tps * Math.exp(0.2 * zTps);
    const recorded = ok
      ? { ok: true, status: 200, ttft_ms: +ttft.toFixed(3), latency_ms: +(ttft + (100 / tps) * 1000).toFixed(3), target: 'up' }
      : { ok: false, status: 500, error_kind: 'server_error', latency_ms: 300, target: 'up' };
    if (ok) {
      okByModel.set(model, (okByModel.get(model) ?? 0) + 1);
      ttftsByModel.set(model, [...(ttftsByModel.get(model) ?? []), +ttft.toFixed(3)]);
    }
    lines.push(JSON.stringify({ arrival_ms: i * 50, route: model, input_tokens: 100, output_tokens: ok ? 100 : 0, stream: true, recorded }));
  }
  const file = join(dir, 'two-models.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, okByModel, ttftsByModel };
}

const { file: trace, okByModel, ttftsByModel } = writeTrace();
/** The median as quantile_cont takes it (type 7), computed here from the generated values. */
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const h = (s.length - 1) / 2;
  return s[Math.floor(h)]! + (h - Math.floor(h)) * (s[Math.ceil(h)]! - s[Math.floor(h)]!);
};
let cal: Calibration;
beforeAll(async () => {
  cal = await calibrate([trace]);
});

describe('calibrate per model', () => {
  it('recovers each model’s TTFT median within 4 SE of the truth, where the pooled fit misses both', async () => {
    const up = cal.targets.find((t) => t.target === 'up')!;
    expect(up.models!.map((m) => m.model).sort()).toEqual(['gpt-4o', 'gpt-4o-mini']);
    for (const m of up.models!) {
      const truth = TRUTH[m.model]!;
      expect(Math.abs(m.ttft!.fit.mu - Math.log(truth.ttft))).toBeLessThanOrEqual(seSpan(m.ttft!.n));
      expect(m.ttft!.model).toBe('lognormal');
      // tokens/s, σ 0.2, the same rule
      expect(Math.abs(m.tokensPerS!.fit.mu - Math.log(truth.tps))).toBeLessThanOrEqual((4 * Math.sqrt(Math.PI / 2) * 0.2) / Math.sqrt(m.tokensPerS!.n));
      // pooling (the target's own fit, over every call) would have failed the same check by far
      expect(Math.abs(up.ttft!.fit.mu - Math.log(truth.ttft))).toBeGreaterThan(10 * seSpan(up.ttft!.n));
    }
  });

  it('writes mock.models with each model’s own timing, its own error rates where they differ, and leaves the rare model pooled', () => {
    const up = cal.targets.find((t) => t.target === 'up')!;
    expect(up.pooled).toEqual([{ model: 'rare-x', calls: 10, fitted: 10 }]);
    const text = calibrationYaml(cal, 'two-models.jsonl');
    const mock = (parse(text) as { targets: Record<string, { mock: { models: Record<string, Record<string, unknown>> } }> }).targets.up!.mock;
    expect(Object.keys(mock.models).sort()).toEqual(['gpt-4o', 'gpt-4o-mini']);
    const p50 = (m: string) => (mock.models[m]!.ttft_ms as { p50: number }).p50;
    expect(Math.abs(Math.log(p50('gpt-4o-mini') / 200))).toBeLessThan(0.05);
    expect(Math.abs(Math.log(p50('gpt-4o') / 800))).toBeLessThan(0.05);
    // gpt-4o failed 10% against the target's ~5%: its own share, within its 99% interval of 0.1;
    // gpt-4o-mini never failed: an empty mix, not the target's 5%
    const own = (mock.models['gpt-4o']!.errors as { server_error: number }).server_error;
    expect(Math.abs(own - 0.1)).toBeLessThan(2.576 * Math.sqrt((0.1 * 0.9) / 1500));
    expect(mock.models['gpt-4o-mini']!.errors).toEqual({});
    expect(text).toMatch(/pooled into up's own fit \(under 30 calls to fit\): rare-x \(10 calls\)/);
    const report = fitReport(cal);
    expect(report).toMatch(/\| gpt-4o \| [\d,]+ \| 8\d\d\.\d \(lognormal/);
    expect(report).toMatch(/\| gpt-4o-mini \| [\d,]+ \| (19|20)\d\.\d \(lognormal/);
    expect(report).toContain('Pooled into the target\'s fit above (fewer than 30 calls to fit TTFT on): rare-x (10 calls, 10 to fit).');
  });

  it('simulates each request from the model it asks for, prices it at that model’s price, and the backtest prices the recording alike', async () => {
    writeFileSync(join(dir, 'two-models.cal.yaml'), calibrationYaml(cal, 'two-models.jsonl'));
    const prices = { 'gpt-4o': [5, 20], 'gpt-4o-mini': [0.5, 2], 'rare-x': [1, 1] } as Record<string, [number, number]>;
    const yaml = `name: per-model
traffic: { trace: { path: two-models.jsonl } }
calibration: two-models.cal.yaml
targets:
  up:
    price: { input: 1, output: 1 }
    mock: { models: { gpt-4o: { price: { input: 5, output: 20 } }, gpt-4o-mini: { price: { input: 0.5, output: 2 } } } }
strategies:
  deployed: { use: single, options: { target: up } }
`;
    const ran = await runYaml(yaml, {}, join(dir, 'per-model.yaml'));
    try {
      const run = ran.run('deployed');
      const rows = await ran.store.all<{ route: string; n: number; ok: number; p50: number; cost: number; units: number }>(`
        SELECT route, count(*)::INTEGER AS n, count(*) FILTER (WHERE outcome = 'ok')::INTEGER AS ok,
          quantile_cont(first_token_ms - sent_ms, 0.5) FILTER (WHERE outcome = 'ok') AS p50, sum(cost_usd) AS cost,
          count(DISTINCT cost_usd) FILTER (WHERE outcome = 'ok')::INTEGER AS units
        FROM attempt_log WHERE run_no = ${run} AND outcome <> 'gave_up' GROUP BY 1 ORDER BY 1`); // gave_up: the strategy's placeholder, not a call
      const by = Object.fromEntries(rows.map((r) => [r.route, r]));
      const up = cal.targets.find((t) => t.target === 'up')!;
      for (const model of ['gpt-4o', 'gpt-4o-mini']) {
        const nFit = up.models!.find((m) => m.model === model)!.ttft!.n;
        const r = by[model]!;
        const span = 4 * Math.sqrt(Math.PI / 2) * SIGMA * Math.sqrt(1 / nFit + 1 / r.ok);
        expect(Math.abs(Math.log(r.p50 / TRUTH[model]!.ttft))).toBeLessThanOrEqual(span);
      }
      // the simulation fails gpt-4o at its own ~10%, gpt-4o-mini never
      expect(by['gpt-4o-mini']!.ok).toBe(by['gpt-4o-mini']!.n);
      // (the fitted share is off the truth by the recording's sampling error, the simulated one by its own)
      const recorded4o = Array.from({ length: ROWS }, (_, i) => modelOf(i)).filter((m) => m === 'gpt-4o').length;
      expect(Math.abs(1 - by['gpt-4o']!.ok / by['gpt-4o']!.n - 0.1)).toBeLessThan(2.576 * Math.sqrt(0.1 * 0.9 * (1 / recorded4o + 1 / by['gpt-4o']!.n)));
      // cost: every answered call 100 + 100 tokens at its model's price; failures before output are free
      for (const [model, [pin, pout]] of Object.entries(prices)) {
        const r = by[model]!;
        expect(r.units).toBe(1);
        expect(r.cost).toBeCloseTo((r.ok * (100 * pin + 100 * pout)) / 1e6, 12);
      }
      // the recorded side: the trace's answered calls at the same per-model prices
      const plan = planScenario(ran.loaded);
      const bt = await backtest(ran.store, run, [trace], new Map(plan.targets.map((t) => [t.id, t.price])), { successPp: 1, latencyPct: 10 }, {
        modelPrices: new Map(plan.targets.flatMap((t) => (t.modelPrices ? [[t.id, t.modelPrices] as const] : []))),
      });
      const recordedCost = [...okByModel].reduce((a, [m, n]) => a + (n * (100 * prices[m]![0] + 100 * prices[m]![1])) / 1e6, 0);
      expect(bt.targets!.find((t) => t.target === 'up')!.recorded!.cost_usd).toBeCloseTo(recordedCost, 12);
      // per model, both sides: the recorded median from the generated values, the simulated one as above
      const rows4o = bt.models!.find((m) => m.model === 'gpt-4o')!;
      expect(bt.models!.map((m) => m.model)).toEqual(['gpt-4o', 'gpt-4o-mini', 'rare-x']);
      expect(rows4o.recorded!.p50_ttft_ms).toBeCloseTo(median(ttftsByModel.get('gpt-4o')!), 9);
      expect(rows4o.simulated!.p50_ttft_ms).toBeCloseTo(by['gpt-4o']!.p50, 9);
      expect(rows4o.recorded!.cost_usd).toBeCloseTo((okByModel.get('gpt-4o')! * (100 * 5 + 100 * 20)) / 1e6, 12);
      expect(backtestMarkdown(bt, 'deployed')).toMatch(/\| up \| gpt-4o-mini \| [\d,]+ \/ [\d,]+ \| 100\.00% \/ 100\.00% \| (19\d|20\d) \/ (19\d|20\d) \|/);
    } finally {
      ran.store.close();
    }
  });
});

describe('mock.models in a scenario', () => {
  const problems = (yaml: string): string[] => {
    try {
      planScenario(parseScenario(yaml, 'bad.yaml'));
    } catch (e) {
      expect(e).toBeInstanceOf(HarnessError);
      return (e as HarnessError).problems.map(formatProblem);
    }
    throw new Error('expected the scenario to be rejected');
  };

  it('reports a bad per-model field at its file:line and field path', () => {
    const out = problems(`name: bad
traffic:
  synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 10 }
targets:
  a:
    provider: openai
    model: gpt-4o-mini
    mock:
      models:
        gpt-4o:
          ttft_ms: { p50: 0, p99: 5 }
          rate_limit: { rpm: 5 }
strategies:
  s: { use: single, options: { target: a } }
`);
    expect(out.join('\n')).toMatch(/bad\.yaml:11:\d+\s+targets\.a\.mock\.models\.gpt-4o\.ttft_ms\.p50\s+must be greater than zero/);
    expect(out.join('\n')).toMatch(/bad\.yaml:12:\d+\s+targets\.a\.mock\.models\.gpt-4o\.rate_limit\s+unknown key/);
  });

  it('reports a per-model price key the price table does not have', () => {
    const out = problems(`name: bad
traffic:
  synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 10 }
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { models: { x: { price: no-such-model } } } }
strategies:
  s: { use: single, options: { target: a } }
`);
    expect(out.join('\n')).toMatch(/bad\.yaml:5:\d+\s+targets\.a\.mock\.models\.x\.price\s+no price for "no-such-model"/);
  });
});
