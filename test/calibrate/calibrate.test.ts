/**
 * calibrate on a trace generated here from known distributions (seeded, independent of
 * routebench's mock model): the fit recovers every parameter, the detected incidents sit where
 * they were planted, the calibration file is a valid scenario include, and a backtest of the
 * deployed config on it agrees with the recording. Pure functions of files: no wall clock.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calibrate, type Calibration } from '../../src/calibrate/calibrate.js';
import { calibrationYaml } from '../../src/calibrate/calibration-yaml.js';
import { fitReport } from '../../src/calibrate/fit-report.js';
import { upperQuantiles, lowerQuantiles } from '../../src/calibrate/fit-target.js';
import { planScenario } from '../../src/engine/plan-scenario.js';
import { backtest } from '../../src/report/backtest.js';
import { Rng } from '../../src/rng.js';
import { runYaml } from '../helpers/run-yaml.js';
import { firstArrival, gapAround, ksExact, quantile7, readRows, robustLognormal, wilsonOracle, Z_TWO_SIDED_99, type Row } from './trace-oracle.js';

const Z99 = 2.3263478740408408;
const HOUR = 3_600_000;
const TRUTH = {
  a: { ttft: { p50: 800, p99: 3000 }, tps: { p50: 70, p99: 25 }, prefill: 5000, errors: { server_error: 0.02, rate_limited: 0.01 } },
  b: { ttft: { p50: 500, p99: 2000 }, tps: { p50: 90, p99: 40 }, prefill: undefined, errors: { overloaded: 0.03 } },
  outage: { target: 'a', start: 20 * 60_000, end: 25 * 60_000 },
  slow: { target: 'b', start: 40 * 60_000, end: 46 * 60_000, factor: 3 },
};
const lognormal = (rng: Rng, p50: number, p99: number, slowTail = false) => {
  const sigma = Math.abs(Math.log(p99 / p50)) / Z99;
  return p50 * Math.exp((slowTail ? -1 : 1) * sigma * rng.normal());
};

/** A recorded hour: 30,000 calls, half streamed, to a (openai) and b (anthropic). */
function writeTrace(file: string): void {
  const rng = new Rng(2026, 7);
  const lines: string[] = [];
  let t = 0;
  for (let i = 0; i < 30_000; i++) {
    t += rng.exponential(HOUR / 30_000);
    const id = rng.next() < 0.5 ? 'a' : 'b';
    const truth = TRUTH[id];
    const stream = rng.next() < 0.5;
    const input = Math.round(Math.exp(Math.log(300) + 1.5 * rng.normal())) + 10;
    const output = 20 + rng.int(400);
    const u = rng.next();
    const inOutage = id === TRUTH.outage.target && t >= TRUTH.outage.start && t < TRUTH.outage.end;
    const slow = id === TRUTH.slow.target && t >= TRUTH.slow.start && t < TRUTH.slow.end ? TRUTH.slow.factor : 1;
    let kind: string | undefined;
    let acc = 0;
    for (const [k, p] of Object.entries(truth.errors)) if (kind === undefined && u < (acc += p)) kind = k;
    if (inOutage) kind = 'unavailable';
    const recorded: Record<string, unknown> = { target: id };
    if (kind) Object.assign(recorded, { ok: false, status: kind === 'rate_limited' ? 429 : kind === 'overloaded' ? 529 : 503, error_kind: kind, latency_ms: lognormal(rng, 300, 1500) });
    else {
      const ttft = (lognormal(rng, truth.ttft.p50, truth.ttft.p99) + (truth.prefill ? (input / truth.prefill) * 1000 : 0)) * slow;
      const gen = (output / lognormal(rng, truth.tps.p50, truth.tps.p99, true)) * 1000;
      Object.assign(recorded, { ok: true, status: 200, latency_ms: ttft + gen }, stream ? { ttft_ms: ttft } : {});
    }
    lines.push(JSON.stringify({ arrival_ms: +t.toFixed(3), route: id === 'a' ? 'gpt-4o-mini' : 'claude-3-5-haiku', input_tokens: input, output_tokens: kind ? 0 : output, cached_tokens: 0, stream, dialect: id === 'a' ? 'openai' : 'anthropic', recorded }));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

let dir: string;
let trace: string;
let cal: Calibration;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rb-calibrate-'));
  trace = join(dir, 'recorded.jsonl');
  writeTrace(trace);
  cal = await calibrate([trace]);
}, 120_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const fitOf = (id: string) => cal.targets.find((t) => t.target === id)!;
/** What was deployed when the trace was recorded: a LiteLLM config routing each model to its target. */
const DEPLOYED = `strategies:
  deployed:
    use: litellm
    options:
      config:
        model_list:
          - { model_name: gpt-4o-mini, litellm_params: { model: openai/gpt-4o-mini }, model_info: { id: a } }
          - { model_name: claude-3-5-haiku, litellm_params: { model: anthropic/claude-3-5-haiku }, model_info: { id: b } }
        router_settings: { num_retries: 0 }
`;
const p90 = (q: { p50: number; p99: number }) => q.p50 * Math.exp(1.2815515655446004 * (Math.log(q.p99 / q.p50) / Z99));

describe('calibrate recovers known parameters', () => {
  it('error rates inside their 99% intervals; the outage is not counted as everyday errors', () => {
    for (const id of ['a', 'b'] as const) {
      const errors = fitOf(id).errors;
      expect(errors.map((e) => e.kind).sort(), id).toEqual(Object.keys(TRUTH[id].errors).sort());
      // counts, rate and interval as a second implementation finds them over the trace's lines,
      // leaving out the detected incidents and their resolution at each edge, as calibrate does
      const rows = readRows(trace);
      const inIncident = (r: Row) => cal.incidents.some((i) => r.target === i.target && r.t >= i.startMs - i.resolutionMs && r.t < i.startMs + i.durationMs + i.resolutionMs);
      const base = rows.filter((r) => r.target === id && !inIncident(r));
      expect(fitOf(id).baselineCalls, id).toBe(base.length);
      for (const e of errors) {
        const truth = (TRUTH[id].errors as Record<string, number>)[e.kind]!;
        const count = base.filter((r) => r.kind === e.kind).length;
        const [lo, hi] = wilsonOracle(count, base.length, Z_TWO_SIDED_99);
        expect([e.count, e.rate], `${id} ${e.kind}`).toEqual([count, count / base.length]);
        expect(e.lo, `${id} ${e.kind} lo`).toBeCloseTo(lo, 12);
        expect(e.hi, `${id} ${e.kind} hi`).toBeCloseTo(hi, 12);
        expect(truth >= lo && truth <= hi, `${id} ${e.kind} ${truth} in [${lo}, ${hi}]`).toBe(true);
      }
    }
  });

  it('TTFT p50/p90 within 5%, token rate p50 within 5%, prefill found only where it is', () => {
    for (const id of ['a', 'b'] as const) {
      const f = fitOf(id);
      const got = upperQuantiles(f.ttft!.fit);
      expect(f.ttft!.model, id).toBe('lognormal');
      expect(Math.abs(got.p50 / TRUTH[id].ttft.p50 - 1), `${id} TTFT p50 ${got.p50}`).toBeLessThan(0.05);
      expect(Math.abs(Math.exp(f.ttft!.fit.mu + 1.2815515655446004 * f.ttft!.fit.sigma) / p90(TRUTH[id].ttft) - 1), `${id} TTFT p90`).toBeLessThan(0.05);
      expect(Math.abs(lowerQuantiles(f.tokensPerS!.fit).p50 / TRUTH[id].tps.p50 - 1), `${id} tok/s p50`).toBeLessThan(0.05);
      if (f.prefillTokensPerS === undefined) {
        // no prefill term: the fit and its KS distance as a second implementation finds them
        const sample = readRows(trace).filter((r) => r.target === id && r.ok && r.stream && r.ttft !== undefined && !cal.incidents.some((i) => i.target === id && r.t >= i.startMs - i.resolutionMs && r.t < i.startMs + i.durationMs + i.resolutionMs)).map((r) => r.ttft!);
        const oracle = robustLognormal(sample);
        expect([f.ttft!.n, f.ttft!.fit.mu, f.ttft!.fit.sigma].map((v) => +v.toFixed(9)), id).toEqual([sample.length, +oracle.mu.toFixed(9), +oracle.sigma.toFixed(9)]);
        expect(Math.abs(f.ttft!.ks - ksExact(sample, oracle)), `${id} KS ${f.ttft!.ks} vs exact ${ksExact(sample, oracle)}`).toBeLessThanOrEqual(0.005 + 1 / sample.length);
      }
    }
    expect(Math.abs(fitOf('a').prefillTokensPerS! / TRUTH.a.prefill - 1)).toBeLessThan(0.25);
    expect(fitOf('b').prefillTokensPerS).toBeUndefined();
  });

  it('finds the outage (edges within resolution) and the latency cliff (within one bucket)', () => {
    const outage = cal.incidents.find((i) => i.kind === 'outage')!;
    // calibrate's times count from the first call (here ~0.3 s into the hour), the truth from the hour's start
    const t0 = firstArrival(trace);
    const truth = { outage: { start: TRUTH.outage.start - t0, end: TRUTH.outage.end - t0 }, slow: { start: TRUTH.slow.start - t0, end: TRUTH.slow.end - t0 } };
    expect(outage.target).toBe('a');
    // docs/calibrate.md: an outage's edges are half-way between the last success and the first failure
    // (and back), as precise as the gap between those calls; the gaps at the true edges, from the trace alone
    const rows = readRows(trace);
    const gapStart = gapAround(rows, 'a', truth.outage.start, (r) => r.ok, () => true);
    const gapEnd = gapAround(rows, 'a', truth.outage.end, () => true, (r) => r.ok);
    expect(Math.abs(outage.startMs - truth.outage.start), `gap ${gapStart}`).toBeLessThanOrEqual(gapStart / 2);
    expect(Math.abs(outage.startMs + outage.durationMs - truth.outage.end), `gap ${gapEnd}`).toBeLessThanOrEqual(gapEnd / 2);
    expect(outage.resolutionMs).toBeLessThanOrEqual(Math.max(gapStart, gapEnd));
    expect(outage.resolutionMs).toBeLessThan(5_000); // calls ~120 ms apart per target: a few gaps at most
    const slow = cal.incidents.find((i) => i.kind === 'latency')!;
    expect(slow.target).toBe('b');
    // other incidents: as precise as the bucket width, i.e. less than one bucket off (a whole bucket off is wrong)
    expect(slow.resolutionMs).toBe(cal.bucketMs);
    expect(Math.abs(slow.startMs - truth.slow.start)).toBeLessThan(slow.resolutionMs);
    expect(Math.abs(slow.startMs + slow.durationMs - truth.slow.end)).toBeLessThan(slow.resolutionMs);
    expect(slow.latencyMultiplier).toBeGreaterThan(2);
    expect(cal.incidents.length).toBe(2);
  });

  it('is a pure function of the trace', async () => {
    const again = await calibrate([trace]);
    expect(calibrationYaml(again, 'x')).toBe(calibrationYaml(cal, 'x'));
    expect(fitReport(again)).toBe(fitReport(cal));
  });
});

describe('the calibration in a scenario', () => {
  it('validates, and a backtest of the deployed config is within 1 pp and 10%', async () => {
    writeFileSync(join(dir, 'calibration.yaml'), calibrationYaml(cal, 'recorded.jsonl'));
    const scenarioFile = join(dir, 'own.yaml');
    const yaml = `name: own
traffic: { trace: { path: recorded.jsonl } }
calibration: calibration.yaml
backtest: { strategy: deployed }
${DEPLOYED}`;
    writeFileSync(scenarioFile, yaml);
    const ran = await runYaml(readFileSync(scenarioFile, 'utf8'), {}, scenarioFile);
    const prices = new Map(planScenario(ran.loaded).targets.map((t) => [t.id, t.price]));
    const bt = await backtest(ran.store, ran.run('deployed'), [trace], prices, { successPp: 1, latencyPct: 10 });
    const bad = bt.rows.filter((r) => r.within === false).map((r) => `${r.metric}: ${r.recorded} vs ${r.simulated}`);
    expect(bad).toEqual([]);
    expect(bt.pass).toBe(true);
    // the tolerances held here, not through the backtest's verdict (which also passes a rate 'within noise'):
    // the recorded side from the trace's lines, the simulated success from the run's attempt rows
    const rows = readRows(trace);
    const okRows = rows.filter((r) => r.ok);
    const attempts = await ran.store.all<{ request_no: number; outcome: string }>(`SELECT request_no, outcome::VARCHAR AS outcome FROM attempts WHERE run_no = ${ran.run('deployed')}`);
    const simSuccess = new Set(attempts.filter((a) => a.outcome === 'ok').map((a) => a.request_no)).size / new Set(attempts.map((a) => a.request_no)).size;
    const by = Object.fromEntries(bt.rows.map((r) => [r.metric, r]));
    expect(by['success rate']!.recorded).toBeCloseTo(okRows.length / rows.length, 12);
    expect(by['success rate']!.simulated).toBeCloseTo(simSuccess, 12);
    expect(Math.abs(simSuccess - okRows.length / rows.length) * 100).toBeLessThanOrEqual(1);
    const latency = okRows.map((r) => r.latency!).sort((x, y) => x - y);
    const ttft = okRows.filter((r) => r.stream && r.ttft !== undefined).map((r) => r.ttft!).sort((x, y) => x - y);
    for (const [m, rec] of [['p50 latency (ms)', quantile7(latency, 0.5)], ['p95 latency (ms)', quantile7(latency, 0.95)], ['p50 TTFT (ms)', quantile7(ttft, 0.5)], ['p95 TTFT (ms)', quantile7(ttft, 0.95)]] as const) {
      expect(by[m]!.recorded, m).toBeCloseTo(rec, 6);
      expect(Math.abs(by[m]!.simulated! / rec - 1), `${m}: recorded ${rec}, simulated ${by[m]!.simulated}`).toBeLessThanOrEqual(0.1);
    }
    // the verdict itself: a tolerance just under a measure's difference fails it (and the backtest), just over passes it
    for (const m of ['p50 latency (ms)', 'p95 latency (ms)', 'p50 TTFT (ms)', 'p95 TTFT (ms)']) {
      const d = Math.abs(by[m]!.simulated! / by[m]!.recorded! - 1) * 100;
      const under = await backtest(ran.store, ran.run('deployed'), [trace], prices, { successPp: 1, latencyPct: d * 0.99 });
      const over = await backtest(ran.store, ran.run('deployed'), [trace], prices, { successPp: 1, latencyPct: d * 1.01 });
      expect([under.rows.find((r) => r.metric === m)!.within, under.pass, over.rows.find((r) => r.metric === m)!.within], `${m} differs by ${d}%`).toEqual([false, false, true]);
    }
    expect(bt.shares.map((s) => s.target)).toEqual(['a', 'b']);
    for (const s of bt.shares) expect(Math.abs(s.recorded - s.simulated)).toBeLessThan(0.02);
    await ran.store.close();
  });
  it('a success rate off by more than the tolerance, beyond its 95% interval, fails the backtest (hand-checked verdict)', async () => {
    // what-if: a's everyday server errors at 6% instead of the calibrated 2%, so the simulation succeeds ~2 pp less often
    writeFileSync(join(dir, 'calibration.yaml'), calibrationYaml(cal, 'recorded.jsonl'));
    const scenarioFile = join(dir, 'worse.yaml');
    const yaml = `name: worse
traffic: { trace: { path: recorded.jsonl } }
calibration: calibration.yaml
targets: { a: { mock: { errors: { server_error: 0.06, rate_limited: 0.01 } } } }
${DEPLOYED}`;
    writeFileSync(scenarioFile, yaml);
    const ran = await runYaml(yaml, {}, scenarioFile);
    const prices = new Map(planScenario(ran.loaded).targets.map((t) => [t.id, t.price]));
    const rows = readRows(trace);
    const attempts = await ran.store.all<{ request_no: number; outcome: string }>(`SELECT request_no, outcome::VARCHAR AS outcome FROM attempts WHERE run_no = ${ran.run('deployed')}`);
    const [xs, ns] = [new Set(attempts.filter((a) => a.outcome === 'ok').map((a) => a.request_no)).size, new Set(attempts.map((a) => a.request_no)).size];
    const [xr, nr] = [rows.filter((r) => r.ok).length, rows.length];
    // Newcombe's hybrid score interval of simulated − recorded, from two 95% Wilson intervals
    const Z95 = 1.959963984540054;
    const [ps, pr] = [xs / ns, xr / nr];
    const [[ls, us], [lr, ur]] = [wilsonOracle(xs, ns, Z95), wilsonOracle(xr, nr, Z95)];
    const d = (ps - pr) * 100;
    const ci = [d - Math.hypot(ps - ls, ur - pr) * 100, d + Math.hypot(us - ps, pr - lr) * 100];
    expect(d, 'the what-if must land between 1 and 3 pp below the recording').toBeLessThan(-1);
    expect(d).toBeGreaterThan(-3);
    expect(ci[1], 'and its interval clear of the 1 pp tolerance').toBeLessThan(-1);
    const bt = await backtest(ran.store, ran.run('deployed'), [trace], prices, { successPp: 1, latencyPct: 10 });
    const row = bt.rows.find((r) => r.metric === 'success rate')!;
    expect(row.difference!).toBeCloseTo(d, 9);
    expect(row.ci![0]).toBeCloseTo(ci[0]!, 9);
    expect(row.ci![1]).toBeCloseTo(ci[1]!, 9);
    expect([row.within, row.noise, bt.pass]).toEqual([false, undefined, false]);
    // with a tolerance just over the difference it passes
    const wide = await backtest(ran.store, ran.run('deployed'), [trace], prices, { successPp: Math.abs(d) * 1.01, latencyPct: 10 });
    expect(wide.rows.find((r) => r.metric === 'success rate')!.within).toBe(true);
    await ran.store.close();
  });
});

describe('calibrate and backtest commands', () => {
  it('calibrate writes the file and the report; backtest exits 0 within tolerance and 3 outside it', async () => {
    const { runCli } = await import('../../src/cli/main.js');
    const { memoryIo } = await import('../../src/cli/io.js');
    const io = memoryIo();
    const out = join(dir, 'cli-cal.yaml');
    expect(await runCli(['calibrate', trace, '-o', out], io)).toBe(0);
    expect(io.stdout).toMatch(/calibrated 2 targets from 30,000 observed calls/);
    // 1200 s into the hour is 1199.7 s after the first call, from which calibrate counts
    expect(io.stdout).toMatch(/incident: a outage from 1199 s for 300 s/);
    expect(readFileSync(out, 'utf8')).toMatch(/^# Written by routebench calibrate/);
    expect(readFileSync(join(dir, 'cli-cal.report.md'), 'utf8')).toMatch(/## Incidents/);
    const page = readFileSync(join(dir, 'cli-cal.report.html'), 'utf8');
    expect(page.match(/<svg/g)?.length).toBe(4); // TTFT and tokens/s CDFs for both targets
    expect(page).toMatch(/TTFT: KS D = 0\.\d{3} \(lognormal used\)/);
    const scenario = join(dir, 'cli-own.yaml');
    writeFileSync(scenario, `name: cli-own
traffic: { trace: { path: recorded.jsonl } }
calibration: cli-cal.yaml
backtest: { strategy: deployed }
${DEPLOYED}`);
    const db = join(dir, 'bt.duckdb');
    const ok = memoryIo();
    expect(await runCli(['backtest', scenario, '--db', db, '--out', join(dir, 'reports')], ok)).toBe(0);
    expect(ok.stdout).toMatch(/Within tolerance: \*\*yes\*\*/);
    const strict = memoryIo();
    expect(await runCli(['backtest', scenario, '--db', db, '--out', join(dir, 'reports'), '--latency-pct', '0.001'], strict)).toBe(3);
    expect(strict.stdout).toMatch(/Within tolerance: \*\*no\*\*/);
    // `run` does the scenario's backtest too, and fails like a threshold when it is out of tolerance
    const run = memoryIo();
    expect(await runCli(['run', scenario, '--db', db, '--out', join(dir, 'reports'), '--workers', '1'], run)).toBe(0);
    expect(run.stdout).toMatch(/backtest of deployed against the recording: within tolerance/);
    writeFileSync(scenario, readFileSync(scenario, 'utf8').replace('backtest: { strategy: deployed }', 'backtest: { strategy: deployed, latency_pct: 0.001 }'));
    const failing = memoryIo();
    expect(await runCli(['run', scenario, '--db', db, '--out', join(dir, 'reports'), '--workers', '1'], failing)).toBe(3);
    expect(failing.stdout).toMatch(/backtest of deployed against the recording: OUT OF TOLERANCE/);
  }, 120_000);
});

describe('a TTFT no lognormal fits', () => {
  it('is written as an empirical table, and the backtest on it matches TTFT p50/p95', async () => {
    // bimodal: 60% of calls warm (~300 ms), 40% cold (~2.5 s)
    const rng = new Rng(99, 3);
    const lines: string[] = [];
    let t = 0;
    for (let i = 0; i < 8000; i++) {
      t += rng.exponential(200);
      const ttft = rng.next() < 0.6 ? 300 * Math.exp(0.15 * rng.normal()) : 2500 * Math.exp(0.15 * rng.normal());
      lines.push(JSON.stringify({ arrival_ms: +t.toFixed(3), route: 'gpt-4o-mini', input_tokens: 200, output_tokens: 50, cached_tokens: 0, stream: true, dialect: 'openai', recorded: { ok: true, status: 200, ttft_ms: ttft, latency_ms: ttft + 500, target: 'c' } }));
    }
    const file = join(dir, 'bimodal.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const c = await calibrate([file]);
    expect(c.targets[0]!.ttft!.model).toBe('empirical');
    const yaml = calibrationYaml(c, 'bimodal.jsonl');
    expect(yaml).toMatch(/ttft_quantiles_ms:/);
    writeFileSync(join(dir, 'bimodal.cal.yaml'), yaml);
    const scenarioFile = join(dir, 'bimodal.yaml');
    const text = `name: bimodal\ntraffic: { trace: { path: bimodal.jsonl } }\ncalibration: bimodal.cal.yaml\nstrategies:\n  deployed: { use: single, options: { target: c } }\n`;
    writeFileSync(scenarioFile, text);
    const ran = await runYaml(text, {}, scenarioFile);
    const prices = new Map(planScenario(ran.loaded).targets.map((x) => [x.id, x.price]));
    const bt = await backtest(ran.store, ran.run('deployed'), [file], prices, { successPp: 1, latencyPct: 10 });
    const by = Object.fromEntries(bt.rows.map((r) => [r.metric, r]));
    for (const m of ['p50 TTFT (ms)', 'p95 TTFT (ms)']) expect(by[m]!.within, `${m}: ${by[m]!.recorded} vs ${by[m]!.simulated}`).toBe(true);
    await ran.store.close();
  }, 120_000);
});

describe('rate limits', () => {
  it('429s that follow load become a limit (rpm near the true one); a constant share stays a share', async () => {
    // load ramps from 30 to 240 calls a minute over 40 minutes; the provider lets 120 a minute through
    const rng = new Rng(7, 7);
    const lines: string[] = [];
    let t = 0;
    const inMinute = new Map<number, number>();
    while (t < 40 * 60_000) {
      const rate = 30 + (210 * t) / (40 * 60_000); // per minute
      t += rng.exponential(60_000 / rate);
      const minute = Math.floor(t / 60_000);
      const seen = (inMinute.get(minute) ?? 0) + 1;
      inMinute.set(minute, seen);
      const limited = seen > 120;
      const recorded = limited ? { ok: false, status: 429, error_kind: 'rate_limited', latency_ms: 50, target: 'lim' } : { ok: true, status: 200, ttft_ms: 400, latency_ms: 900, target: 'lim' };
      lines.push(JSON.stringify({ arrival_ms: +t.toFixed(3), route: 'gpt-4o-mini', input_tokens: 100, output_tokens: limited ? 0 : 40, cached_tokens: 0, stream: true, dialect: 'openai', recorded }));
    }
    const file = join(dir, 'limited.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const c = await calibrate([file]);
    const rl = c.targets[0]!.rateLimit!;
    expect(rl.loadDriven).toBe(true);
    expect(Math.abs(rl.rpm! / 120 - 1), `rpm ${rl.rpm}`).toBeLessThan(0.1);
    const yaml = calibrationYaml(c, 'limited.jsonl');
    expect(yaml).toMatch(/rate_limit:\s+rpm: \d+/);
    expect(yaml).not.toMatch(/rate_limited:/);
    expect(fitOf('a').rateLimit?.loadDriven).toBe(false); // the hour's constant 1% share
  });
});
