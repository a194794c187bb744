/**
 * Portkey `override_params.max_tokens` / `max_completion_tokens` (the gateway spreads override_params
 * over the request body, a child's keys over its parent's): the provider stops at the cap, so an
 * attempt generates min(the request's output tokens, cap), and is timed and billed on that. Simulate
 * and replay (the request marker's out= tells the mock) agree. Costs are computed here by hand from
 * the targets' prices.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayScenario } from '../../src/runner/run-replay.js';
import { runScenario } from '../../src/runner/run-scenario.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { openStore } from '../../src/store/open-store.js';
import { testEnv } from '../helpers/run-yaml.js';
import { buildStrategy } from './fake-context.js';

interface Row {
  strategy: string;
  target: string;
  outcome: string;
  tokens_in: number;
  tokens_out: number;
  cost_usd: number;
  ms: number;
}

const config = {
  strategy: { mode: 'loadbalance' },
  override_params: { max_tokens: 50, temperature: 0.2 },
  targets: [
    // inherits max_tokens 50
    { provider: 'openai', override_params: { model: 'gpt-4o-mini' } },
    // its own max_tokens wins over the parent's
    { provider: 'anthropic', override_params: { model: 'claude-3-5-haiku', max_tokens: 200, top_p: 0.9 } },
    // max_tokens 1000 here, max_completion_tokens 80 inherited from the group: the smaller caps
    { strategy: { mode: 'single' }, override_params: { max_completion_tokens: 80 }, targets: [{ provider: 'google', override_params: { model: 'gemini-2.0-flash', max_tokens: 1000 } }] },
  ],
};

const yaml = (count: number) => `
name: portkey-override-params
seed: 5
traffic:
  synthetic:
    arrival: { process: constant, rate_per_s: 2 }
    count: ${count}
    input_tokens: { dist: constant, value: 1000 }
    output_tokens: { dist: constant, value: 500 }
    stream: 0
targets:
  openai: { provider: openai, model: gpt-4o-mini, price: { input: 1, output: 4 }, mock: { profile: perfect, ttft_ms: { p50: 200, p99: 200 }, tokens_per_s: { p50: 100, p99: 100 } } }
  anthropic: { provider: anthropic, model: claude-3-5-haiku, price: { input: 2, output: 10 }, mock: { profile: perfect, ttft_ms: { p50: 200, p99: 200 }, tokens_per_s: { p50: 100, p99: 100 } } }
  google: { provider: google, model: gemini-2.0-flash, price: { input: 0.5, output: 2 }, mock: { profile: perfect, ttft_ms: { p50: 200, p99: 200 }, tokens_per_s: { p50: 100, p99: 100 } } }
strategies:
  capped: { use: portkey, options: { config: ${JSON.stringify(config)} } }
  plain: { use: portkey, options: { config: { provider: openai, override_params: { model: gpt-4o-mini } } } }
`;

const SQL = `SELECT strategy, target, outcome::VARCHAR AS outcome, tokens_in, tokens_out, cost_usd, end_ms - sent_ms AS ms FROM attempt_log ORDER BY strategy, request_no, attempt_no`;

/** Per target: output tokens under the cap, and the cost from its price (USD per 1M tokens). */
const expected: Record<string, { out: number; cost: number }> = {
  'capped/openai': { out: 50, cost: (1000 * 1 + 50 * 4) / 1e6 },
  'capped/anthropic': { out: 200, cost: (1000 * 2 + 200 * 10) / 1e6 },
  'capped/google': { out: 80, cost: (1000 * 0.5 + 80 * 2) / 1e6 },
  'plain/openai': { out: 500, cost: (1000 * 1 + 500 * 4) / 1e6 },
};

function check(rows: Row[]): Set<string> {
  const seen = new Set<string>();
  for (const r of rows) {
    const key = `${r.strategy}/${r.target}`;
    const e = expected[key];
    expect(e, key).toBeDefined();
    expect([key, r.outcome, Number(r.tokens_in), Number(r.tokens_out)]).toEqual([key, 'ok', 1000, e!.out]);
    expect(r.cost_usd).toBeCloseTo(e!.cost, 12);
    seen.add(key);
  }
  return seen;
}

describe('portkey: override_params caps the output', () => {
  it('simulate: each leaf generates min(500, its inherited or own cap), billed and timed on it', async () => {
    const store = await openStore(':memory:');
    try {
      await runScenario(parseScenario(yaml(90), 'scenarios/portkey-override-params.yaml'), { store, env: testEnv });
      const rows = await store.all<Row>(SQL);
      expect(rows).toHaveLength(180);
      expect(check(rows)).toEqual(new Set(Object.keys(expected)));
      // 200 ms to the first token, then 100 tokens/s: the cap shortens the answer
      const ms = (key: string) => [...new Set(rows.filter((r) => `${r.strategy}/${r.target}` === key).map((r) => Math.round(r.ms)))];
      expect(ms('capped/openai')).toEqual([200 + 500]);
      expect(ms('capped/anthropic')).toEqual([200 + 2000]);
      expect(ms('capped/google')).toEqual([200 + 800]);
      expect(ms('plain/openai')).toEqual([200 + 5000]);
    } finally {
      store.close();
    }
  });

  it('replay over HTTP (msw, 50x): the mock is told the capped count and answers with it', async () => {
    const store = await openStore(':memory:');
    try {
      await replayScenario(parseScenario(yaml(9), path.join('test', 'override-params.yaml')), { store, env: testEnv, transport: 'msw', timeScale: 50, realNow: () => performance.now(), processEnv: {} });
      const rows = await store.all<Row>(SQL);
      expect(rows).toHaveLength(18);
      check(rows);
    } finally {
      store.close();
    }
  });

  it('a cap that is not a whole number ≥ 1 is a problem; n and stream are refused unless allow_unsupported', () => {
    const targets = [{ index: 0, id: 'oa', provider: 'openai', model: 'gpt-4o-mini', price: { input: 1, output: 1, cached_input: 1 }, contextWindow: 128_000, timeoutMs: 60_000 }];
    const problems = (c: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      buildStrategy('portkey', { config: { provider: 'openai', ...c }, ...extra }, { targets, allowProblems: true }).problems.map((p) => `${p.path}: ${p.message}`);
    expect(problems({ override_params: { max_tokens: 0.5 } })).toEqual(['strategies.s.options.config.override_params.max_tokens: override_params.max_tokens must be a whole number ≥ 1 (the provider refuses anything else)']);
    expect(problems({ override_params: { max_completion_tokens: '50' } })).toHaveLength(1);
    expect(problems({ override_params: { n: 2, stream: true } }).map((p) => p.split(':')[0])).toEqual(['strategies.s.options.config.override_params.n', 'strategies.s.options.config.override_params.stream']);
    expect(problems({ override_params: { n: 2, stream: true, temperature: 1, seed: 3 } }, { allow_unsupported: true })).toEqual([]);
  });
});
