/**
 * Recorded failovers are real: an app's calls go through `record` to `routebench serve` running a
 * fallback strategy in front of the mock server (three processes). The recording's upstream
 * attempt counts (serve's x-routebench-attempts) match the mock's own hit log call by call, and a
 * backtest of the same fallback over the recording, on the same mocks, reproduces its success and
 * failover rates.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planScenario } from '../../src/engine/plan-scenario.js';
import { backtest } from '../../src/report/backtest.js';
import { startCommand } from '../helpers/command-process.js';
import { runYaml } from '../helpers/run-yaml.js';
import { driveOpenLoop } from './round-trip-driver.js';

const SCALE = 5;
const TARGETS = `targets:
  primary: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, ttft_ms: { p50: 800, p99: 2000 }, tokens_per_s: { p50: 80, p99: 40 }, errors: { server_error: 0.15, rate_limited: 0.05 }, error_latency_ms: { p50: 200, p99: 600 } } }
  backup: { provider: azure, model: gpt-4o-mini, mock: { profile: perfect, ttft_ms: { p50: 900, p99: 2500 }, tokens_per_s: { p50: 70, p99: 35 }, errors: { server_error: 0.02 } } }`;
const STRATEGY = `strategies:
  fallback: { use: fallback, options: { targets: [primary, backup] } }`;

let dir: string;
let rows: { recorded: { ok: boolean; attempts?: number; target: string } }[] = [];
let hits: { request?: number; target: string; status: number }[] = [];
let trace: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rb-serve-rt-'));
  const known = join(dir, 'known.yaml');
  writeFileSync(known, `name: known\nseed: 4\ntraffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 1 } }\n${TARGETS}\n${STRATEGY}\n`);
  const mock = await startCommand(['mock-server', '--scenario', known, '--port', '0', '--time-scale', String(SCALE)], /(http:\/\/127\.0\.0\.1:\d+)/);
  try {
    const serve = await startCommand(['serve', '--scenario', known, '--strategy', 'fallback', '--mock-url', mock.url, '--port', '0'], /on (http:\/\/127\.0\.0\.1:\d+)/);
    try {
      const rec = await startCommand(['record', '--openai', `gateway=${serve.url}`, '--port', '0', '--out', join(dir, 'rec'), '--time-scale', String(SCALE)], /record on (http:\/\/127\.0\.0\.1:\d+)/);
      await driveOpenLoop({ url: rec.url, ratePerS: 25, count: 600, seed: 5, openaiOnly: true });
      expect(await rec.stop()).toBe(0);
    } finally {
      await serve.stop();
    }
    hits = (await (await fetch(`${mock.url}/_routebench/hits?since=0`)).json()) as typeof hits;
  } finally {
    await mock.stop();
  }
  const [file] = readdirSync(join(dir, 'rec'));
  trace = join(dir, 'rec', file!);
  rows = readFileSync(trace, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as (typeof rows)[number]);
}, 300_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a recording through routebench serve', () => {
  it('carries each call\'s upstream attempts, as the mock saw them', () => {
    expect(rows.length).toBe(600);
    const attempts = rows.map((r) => r.recorded.attempts ?? 0);
    expect(attempts.every((a) => a >= 1 && a <= 2)).toBe(true);
    expect(attempts.reduce((a, b) => a + b, 0)).toBe(hits.length); // every upstream call is accounted for
    const failovers = attempts.filter((a) => a === 2).length;
    expect(failovers).toBe(hits.filter((h) => h.target === 'backup').length); // the backup is only ever a failover
    expect(failovers / rows.length).toBeGreaterThan(0.12); // ~20% of primary calls fail
    const served = rows.filter((r) => r.recorded.ok);
    expect(served.filter((r) => r.recorded.target === 'backup').length).toBe(served.filter((r, i) => attempts[rows.indexOf(r)] === 2 && i >= 0).length);
  });

  it('backtests: the same fallback on the same mocks reproduces success and failover rates', async () => {
    const yaml = `name: via-serve\nseed: 9\ntraffic: { trace: { path: ${JSON.stringify(trace)} } }\n${TARGETS}\n${STRATEGY}\n`;
    const ran = await runYaml(yaml, {}, join(dir, 'via-serve.yaml'));
    const prices = new Map(planScenario(ran.loaded).targets.map((t) => [t.id, t.price]));
    const bt = await backtest(ran.store, ran.run('fallback'), [trace], prices, { successPp: 1, latencyPct: 10 });
    const by = Object.fromEntries(bt.rows.map((r) => [r.metric, r]));
    expect(by['success rate']!.within).toBe(true);
    expect(by['failover rate']!.recorded).not.toBeNull();
    expect(Math.abs(by['failover rate']!.difference!), `failover ${by['failover rate']!.recorded} vs ${by['failover rate']!.simulated}`).toBeLessThan(5);
    // both sides' rates as a second implementation finds them: the recorded ones from the trace's lines
    // (a failover is a call serve tried twice: the backup is only ever a failover), the simulated ones
    // from the run's attempt rows (a request that tried more than one target)
    const attempts = await ran.store.all<{ request_no: number; target_no: number | null; outcome: string }>(`SELECT request_no, target_no, outcome::VARCHAR AS outcome FROM attempts WHERE run_no = ${ran.run('fallback')} AND outcome <> 'gave_up'`);
    const perRequest = new Map<number, { targets: Set<number | null>; ok: boolean }>();
    for (const a of attempts) {
      const r = perRequest.get(a.request_no) ?? { targets: new Set(), ok: false };
      r.targets.add(a.target_no);
      r.ok ||= a.outcome === 'ok';
      perRequest.set(a.request_no, r);
    }
    const sim = [...perRequest.values()];
    const rec = { success: rows.filter((r) => r.recorded.ok).length / rows.length, failover: rows.filter((r) => r.recorded.attempts === 2).length / rows.length };
    expect(by['success rate']!.recorded).toBeCloseTo(rec.success, 12);
    expect(by['failover rate']!.recorded).toBeCloseTo(rec.failover, 12);
    expect(by['success rate']!.simulated).toBeCloseTo(sim.filter((r) => r.ok).length / sim.length, 12);
    expect(by['failover rate']!.simulated).toBeCloseTo(sim.filter((r) => r.targets.size > 1).length / sim.length, 12);
    await ran.store.close();
  });
});
