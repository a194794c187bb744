/**
 * A recording with calls to a target the scenario does not have (the calibration came from part
 * of the traffic, or the target was left out): those calls have no price. The recorded cost per
 * 1k ok was summed without them, so it read low (here 70% of the truth, and the backtest showed the
 * simulation 42.86% dearer for identical calls); it is now unknown, and the backtest names the
 * target. Hand-built trace: 1,000 identical successful calls, 700 to x, 300 to z; x is
 * gpt-4o-mini at the price table's $0.15 / $0.60 per 1M tokens.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planScenario } from '../../src/engine/plan-scenario.js';
import { backtest, backtestMarkdown } from '../../src/report/backtest.js';
import { runYaml } from '../helpers/run-yaml.js';

const dir = mkdtempSync(join(tmpdir(), 'rb-bt-unpriced-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const row = (t: number, target: string) =>
  JSON.stringify({ arrival_ms: t, route: 'gpt-4o-mini', input_tokens: 1000, output_tokens: 100, stream: true, recorded: { ok: true, status: 200, ttft_ms: 400, latency_ms: 900, target } });

describe('backtest of a recording with a target the scenario lacks', () => {
  it('does not price its calls at $0: the recorded cost is unknown and the target is named', async () => {
    const trace = join(dir, 'two-targets.jsonl');
    writeFileSync(trace, `${Array.from({ length: 1000 }, (_, i) => row(i * 100, i % 10 < 7 ? 'x' : 'z')).join('\n')}\n`);
    const text = `name: unpriced
traffic: { trace: { path: two-targets.jsonl } }
targets:
  x: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, ttft_ms: { p50: 400, p99: 400 }, tokens_per_s: { p50: 200, p99: 200 } } }
strategies:
  deployed: { use: single, options: { target: x } }
`;
    const ran = await runYaml(text, {}, join(dir, 'unpriced.yaml'));
    try {
      const prices = new Map(planScenario(ran.loaded).targets.map((t) => [t.id, t.price]));
      expect(prices.get('x')).toMatchObject({ input: 0.15, output: 0.6 });
      const bt = await backtest(ran.store, ran.run('deployed'), [trace], prices, { successPp: 1, latencyPct: 10 });
      const cost = bt.rows.find((r) => r.metric === 'cost per 1k ok (USD)')!;
      // every call: 1,000 × $0.15/M + 100 × $0.60/M = $0.00021, so $0.21 per 1k ok when all are priced
      expect(cost.simulated).toBeCloseTo(0.21, 12);
      expect([cost.recorded, cost.difference]).toEqual([null, null]);
      expect(bt.unpriced).toEqual([{ target: 'z', calls: 300 }]);
      const md = backtestMarkdown(bt, 'deployed');
      expect(md).toContain('| cost per 1k ok (USD) | – | $0.2100 | – |');
      expect(md).toContain('The recording has calls to z (300 calls), which the scenario has no target for');
    } finally {
      ran.store.close();
    }
  });

  it('with every target priced the recorded cost is the hand-computed one', async () => {
    const trace = join(dir, 'one-target.jsonl');
    writeFileSync(trace, `${Array.from({ length: 100 }, (_, i) => row(i * 100, 'x')).join('\n')}\n`);
    const text = `name: priced
traffic: { trace: { path: one-target.jsonl } }
targets:
  x: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }
strategies:
  deployed: { use: single, options: { target: x } }
`;
    const ran = await runYaml(text, {}, join(dir, 'priced.yaml'));
    try {
      const prices = new Map(planScenario(ran.loaded).targets.map((t) => [t.id, t.price]));
      const bt = await backtest(ran.store, ran.run('deployed'), [trace], prices, { successPp: 1, latencyPct: 10 });
      expect(bt.rows.find((r) => r.metric === 'cost per 1k ok (USD)')!.recorded).toBeCloseTo(0.21, 12);
      expect(bt.unpriced).toEqual([]);
      expect(backtestMarkdown(bt, 'deployed')).not.toMatch(/no target for/);
    } finally {
      ran.store.close();
    }
  });
});
