/**
 * The backtest's per-target table counts attempts on both sides. A gateway log that lists the
 * upstream attempts before its answer (here: x failed, then y answered) had its request counted on
 * y only, so x read 100% success recorded against ~80% simulated (where every attempt the
 * strategy sent x counts): the failed attempts are now calls of x on the recorded side too. The
 * per-request figures (success rate, failover rate, shares served, success over time) still count
 * each request once. Trace: 200 requests, 1 in 5 failed on x and failed over to y; counted by hand.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { planScenario } from '../../src/engine/plan-scenario.js';
import { backtest } from '../../src/report/backtest.js';
import { runYaml } from '../helpers/run-yaml.js';

const dir = mkdtempSync(join(tmpdir(), 'rb-bt-upstream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('per target, a failed upstream attempt the log lists is a failed call of its target; per request, each request counts once', async () => {
  const lines: string[] = [];
  for (let i = 0; i < 200; i++) {
    const failover = i % 5 === 0;
    const recorded = failover
      ? { ok: true, status: 200, latency_ms: 1000, target: 'y', attempts: [{ target: 'x', status: 500, latency_ms: 50 }, { target: 'y', status: 200, latency_ms: 950 }] }
      : { ok: true, status: 200, latency_ms: 800, target: 'x', attempts: [{ target: 'x', status: 200, latency_ms: 800 }] };
    lines.push(JSON.stringify({ arrival_ms: i * 100, route: 'gpt-4o-mini', input_tokens: 1000, output_tokens: 100, stream: false, recorded }));
  }
  const trace = join(dir, 'gateway.jsonl');
  writeFileSync(trace, `${lines.join('\n')}\n`);
  const text = `name: upstream-attempts
seed: 3
traffic: { trace: { path: gateway.jsonl } }
targets:
  x: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, errors: { server_error: 0.2 } } }
  y: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }
strategies:
  deployed: { use: fallback, options: { targets: [x, y] } }
`;
  const ran = await runYaml(text, {}, join(dir, 'upstream.yaml'));
  try {
    const runNo = ran.run('deployed');
    const prices = new Map(planScenario(ran.loaded).targets.map((t) => [t.id, t.price]));
    const bt = await backtest(ran.store, runNo, [trace], prices, { successPp: 1, latencyPct: 10 });
    const by = Object.fromEntries(bt.targets!.map((t) => [t.target, t]));
    // x: 160 answered requests and 40 failed attempts; y: the 40 requests it answered after x failed
    expect(by.x!.recorded).toMatchObject({ calls: 200, success_rate: expect.closeTo(160 / 200, 12), p50_latency_ms: 800 });
    expect(by.y!.recorded).toMatchObject({ calls: 40, success_rate: 1, p50_latency_ms: 1000 });
    // a failed attempt without output is free: x's cost is its 160 answers'
    const perCall = (1000 * 0.15 + 100 * 0.6) / 1e6; // gpt-4o-mini, $ per 1M tokens
    expect(by.x!.recorded!.cost_usd).toBeCloseTo(160 * perCall, 12);
    // the simulated side counts attempts the same way: every request tried x first
    expect(by.x!.simulated!.calls).toBe(200);

    // per request, as before: 200 requests, all answered, 40 after a failover, shares 160:40
    const rec = Object.fromEntries(bt.rows.map((r) => [r.metric, r.recorded]));
    expect(bt.requests.recorded).toBe(200);
    expect(rec['success rate']).toBe(1);
    expect(rec['failover rate']).toBeCloseTo(40 / 200, 12);
    expect(bt.shares).toEqual(expect.arrayContaining([expect.objectContaining({ target: 'x', recorded: expect.closeTo(0.8, 12) }), expect.objectContaining({ target: 'y', recorded: expect.closeTo(0.2, 12) })]));
    expect(bt.overTime!.reduce((s, b) => s + b.n, 0)).toBe(200);
    expect(bt.overTime!.every((b) => b.recorded === null || b.recorded === 1)).toBe(true);
  } finally {
    ran.store.close();
  }
});
