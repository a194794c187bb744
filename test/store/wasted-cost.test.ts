/**
 * wasted_cost_usd (what a request paid for attempts that did not answer it) against an
 * independent oracle: each attempt's cost recomputed by hand from its billed tokens and the
 * scenario's inline prices, summed in JS over every attempt that is not `ok`. The scenario makes
 * every kind of waste the simulator produces cost money: hedge losers (cancelled mid-answer),
 * timeouts after the first token, and errors (a truncated answer is billed for what was
 * generated), so counting only `error` rows, or any subset, disagrees with the oracle. (`aborted`
 * attempts, cut by a Ctrl-C during a replay, are summed by the oracle like any other non-ok row.)
 */
import { describe, expect, it } from 'vitest';
import { runYaml } from '../helpers/run-yaml.js';

// USD per 1M tokens, inline so the oracle does not read the price table.
const PRICE = { slow: { input: 3, cached: 1.5, output: 15 }, fast: { input: 0.5, cached: 0.25, output: 2 } } as const;

const yaml = `
name: wasted
seed: 4
traffic:
  synthetic:
    arrival: { process: constant, rate_per_s: 20 }
    count: 3000
    input_tokens: { dist: constant, value: 1000 }
    output_tokens: { dist: constant, value: 60 }
    cached_fraction: 0.25
    stream: 0.5
targets:
  slow:
    provider: openai
    model: gpt-4o-mini
    price: { input: ${PRICE.slow.input}, cached_input: ${PRICE.slow.cached}, output: ${PRICE.slow.output} }
    mock: { profile: perfect, tokens_per_s: { p50: 10, p99: 10 }, errors: { server_error: 0.05, truncated: 0.1 } }
  fast:
    provider: anthropic
    model: claude-3-5-haiku
    price: { input: ${PRICE.fast.input}, cached_input: ${PRICE.fast.cached}, output: ${PRICE.fast.output} }
    mock: { profile: perfect }
strategies:
  hedged: { use: hedge, options: { targets: [slow, fast], after_ms: 1000, failover: false } }
  timed-out: { use: single, options: { target: slow } }
defaults:
  attempt_timeout: 3s
`;

interface Row {
  strategy: string;
  request_no: number;
  target: string;
  outcome: string;
  tokens_in: number;
  tokens_cached: number;
  tokens_out: number;
}

describe('wasted_cost_usd against costs recomputed from tokens and prices', () => {
  it('sums every attempt that did not answer: hedge_lost, timeout and error', async () => {
    const ran = await runYaml(yaml);
    const rows = await ran.store.all<Row>(`
      SELECT r.strategy, a.request_no, t.target_id AS target, a.outcome::VARCHAR AS outcome, a.tokens_in, a.tokens_cached, a.tokens_out
      FROM attempts a JOIN runs r USING (run_no) JOIN targets t ON t.run_no = a.run_no AND t.target_no = a.target_no
      WHERE a.outcome <> 'gave_up'`);
    const oracle = new Map<string, number>();
    const byOutcome = new Map<string, number>();
    for (const r of rows) {
      const p = PRICE[r.target as keyof typeof PRICE];
      const cost = ((r.tokens_in - r.tokens_cached) * p.input + r.tokens_cached * p.cached + r.tokens_out * p.output) / 1e6;
      if (r.outcome === 'ok') continue;
      const key = `${r.strategy}/${r.request_no}`;
      oracle.set(key, (oracle.get(key) ?? 0) + cost);
      byOutcome.set(r.outcome, (byOutcome.get(r.outcome) ?? 0) + cost);
    }
    // Every kind of waste is present and costs something.
    for (const kind of ['hedge_lost', 'timeout', 'error']) expect(byOutcome.get(kind) ?? 0, kind).toBeGreaterThan(0);

    const view = await ran.store.all<{ strategy: string; request_no: number; wasted: number | null }>(`
      SELECT r.strategy, q.request_no, q.wasted_cost_usd AS wasted FROM requests q JOIN runs r USING (run_no)`);
    let total = 0;
    let totalOracle = 0;
    for (const v of view) {
      const expected = oracle.get(`${v.strategy}/${v.request_no}`) ?? 0;
      expect(v.wasted ?? 0, `${v.strategy} request ${v.request_no}`).toBeCloseTo(expected, 10);
      total += v.wasted ?? 0;
      totalOracle += expected;
    }
    expect(total).toBeCloseTo(totalOracle, 8);
    // The error rows alone are far from the whole.
    expect(byOutcome.get('error')!).toBeLessThan(0.5 * totalOracle);
    ran.store.close();
  });
});
