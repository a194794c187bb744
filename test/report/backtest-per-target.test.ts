/**
 * The backtest per target: calls, success rate, p50 TTFT and latency, and cost on each side. The
 * recorded side is counted here by hand from the trace; the simulated side recomputed in plain
 * JavaScript from the run's attempt rows (type-7 medians), not with the backtest's SQL.
 * Trace: 400 streamed calls, 3 in 4 to x (40 of them failed, no output) and 1 in 4 to y;
 * the deployed strategy falls back from x to y.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planScenario } from '../../src/engine/plan-scenario.js';
import { backtest, backtestMarkdown } from '../../src/report/backtest.js';
import { runYaml } from '../helpers/run-yaml.js';
import { quantile7 } from '../calibrate/trace-oracle.js';

const dir = mkdtempSync(join(tmpdir(), 'rb-bt-per-target-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('backtest per target', () => {
  it('each side as counted by hand (recorded) and from the attempt rows (simulated)', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 400; i++) {
      const target = i % 4 === 3 ? 'y' : 'x';
      const failed = target === 'x' && i % 10 === 0;
      const ttft = target === 'x' ? 300 + (i % 7) * 10 : 600;
      const recorded = failed ? { ok: false, status: 500, error_kind: 'server_error', latency_ms: 50, target } : { ok: true, status: 200, ttft_ms: ttft, latency_ms: ttft + 500, target };
      lines.push(JSON.stringify({ arrival_ms: i * 100, route: 'gpt-4o-mini', input_tokens: 1000, output_tokens: failed ? 0 : 100, stream: true, recorded }));
    }
    const trace = join(dir, 'two.jsonl');
    writeFileSync(trace, `${lines.join('\n')}\n`);
    const text = `name: per-target
seed: 5
traffic: { trace: { path: two.jsonl } }
targets:
  x: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, ttft_ms: { p50: 300, p99: 400 }, tokens_per_s: { p50: 200, p99: 200 }, errors: { server_error: 0.1 } } }
  y: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, ttft_ms: { p50: 600, p99: 600 }, tokens_per_s: { p50: 200, p99: 200 } } }
strategies:
  deployed: { use: fallback, options: { targets: [x, y] } }
`;
    const ran = await runYaml(text, {}, join(dir, 'per-target.yaml'));
    try {
      const runNo = ran.run('deployed');
      const prices = new Map(planScenario(ran.loaded).targets.map((t) => [t.id, t.price]));
      const bt = await backtest(ran.store, runNo, [trace], prices, { successPp: 1, latencyPct: 10 });
      const by = Object.fromEntries(bt.targets!.map((t) => [t.target, t]));

      // recorded, by hand: x has the 300 rows with i % 4 != 3; the 40 with i % 10 == 0 (all even, so all x's) failed
      const xs = Array.from({ length: 400 }, (_, i) => i).filter((i) => i % 4 !== 3);
      const xFailed = xs.filter((i) => i % 10 === 0).length;
      expect(xFailed).toBe(40);
      const xOk = xs.filter((i) => i % 10 !== 0);
      const perCall = (1000 * 0.15 + 100 * 0.6) / 1e6; // gpt-4o-mini, $ per 1M tokens
      expect(by.x!.recorded).toEqual({
        calls: 300,
        success_rate: expect.closeTo(1 - xFailed / 300, 12),
        p50_ttft_ms: expect.closeTo(quantile7(xOk.map((i) => 300 + (i % 7) * 10).sort((a, b) => a - b), 0.5), 9),
        p50_latency_ms: expect.closeTo(quantile7(xOk.map((i) => 800 + (i % 7) * 10).sort((a, b) => a - b), 0.5), 9),
        cost_usd: expect.closeTo(xOk.length * perCall + xFailed * 0, 12), // a failure without output is free
      });
      expect(by.y!.recorded).toEqual({ calls: 100, success_rate: 1, p50_ttft_ms: 600, p50_latency_ms: 1100, cost_usd: expect.closeTo(100 * perCall, 12) });

      // simulated, from the attempt rows
      const attempts = await ran.store.all<{ target: string; outcome: string; ttft: number | null; latency: number; cost: number }>(`
        SELECT t.target_id AS target, a.outcome::VARCHAR AS outcome, a.first_token_ms - a.sent_ms AS ttft, a.end_ms - a.sent_ms AS latency, a.cost_usd::DOUBLE AS cost
        FROM attempts a JOIN targets t USING (run_no, target_no) WHERE a.run_no = ${runNo} AND a.outcome <> 'gave_up'`);
      for (const id of ['x', 'y']) {
        const mine = attempts.filter((a) => a.target === id);
        const ok = mine.filter((a) => a.outcome === 'ok');
        expect(by[id]!.simulated, id).toEqual({
          calls: mine.length,
          success_rate: expect.closeTo(ok.length / mine.length, 12),
          p50_ttft_ms: expect.closeTo(quantile7(ok.map((a) => a.ttft!).sort((a, b) => a - b), 0.5), 6),
          p50_latency_ms: expect.closeTo(quantile7(ok.map((a) => a.latency).sort((a, b) => a - b), 0.5), 6),
          cost_usd: expect.closeTo(mine.reduce((s, a) => s + a.cost, 0), 9),
        });
      }
      // every request went to x first; y got x's failures only
      expect(by.x!.simulated!.calls).toBe(400);
      expect(by.y!.simulated!.calls).toBe(400 - Math.round(by.x!.simulated!.success_rate * 400));
      expect(backtestMarkdown(bt, 'deployed')).toContain(`| y | 100 / ${by.y!.simulated!.calls} | 100.00% / 100.00% | 600 / 600 |`);
    } finally {
      ran.store.close();
    }
  });
});
