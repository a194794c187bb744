/**
 * The project's proof that simulation tells the truth: the same scenario and seed simulated on
 * virtual time and replayed over real HTTP (real clock, real SSE parsing) make the same calls
 * attempt by attempt: the same targets, outcomes, billed tokens and cost, on a scenario where
 * requests do fail (errors, cut streams, in-band errors, hangs and client timeouts), so the
 * success rates compared are not 100% on both sides. Billing follows one rule in both modes
 * (engine/billing.ts): a call the client timed out is billed for what the provider generated
 * by then, a cut stream for what was generated before the cut.
 *
 * Real-time replay can differ from simulate where a reply ends within a few scenario ms of a
 * timeout (timer jitter × the time scale decides which comes first, and a busy machine makes the
 * jitter larger); such requests are counted and bounded (5%), every other request must agree, and
 * its cost exactly.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { runScenario } from '../../src/runner/run-scenario.js';
import { replayScenario } from '../../src/runner/run-replay.js';
import { summary } from '../../src/store/queries.js';
import type { TransportKind } from '../../src/runner/create-transport.js';
import { testEnv } from '../helpers/run-yaml.js';

const yaml = `
name: fidelity
seed: 3
traffic:
  synthetic:
    arrival: { process: poisson, rate_per_s: 20 }
    count: 200
    input_tokens: { dist: lognormal, p50: 500, p99: 4000 }
    output_tokens: { dist: lognormal, p50: 120, p99: 600 }
    stream: 0.5
targets:
  a:
    provider: openai
    model: gpt-4o-mini
    mock: { profile: flaky, ttft_ms: { p50: 600, p99: 3000 }, tokens_per_s: { p50: 60, p99: 15 }, in_band_error_share: 0.5,
            errors: { server_error: 0.08, truncated: 0.06, connection_reset: 0.04, timeout: 0.03, unavailable: 0.03 } }
  b: { provider: anthropic, model: claude-3-5-haiku, mock: { profile: typical, ttft_ms: { p50: 700, p99: 3000 }, tokens_per_s: { p50: 60, p99: 15 } } }
strategies:
  single: { use: single, options: { target: a, timeout_ms: 4000 } }
  fallback: { use: fallback, options: { targets: [a, b], timeout_ms: 4000 } }
`;

interface Calls {
  request_no: number;
  calls: string;
  cost: number;
}

/** Per request: every call (target, outcome) in order, and the request's cost. */
const calls = (store: Store, run: number) =>
  store.all<Calls>(`
    SELECT request_no, string_agg(concat_ws(':', coalesce(target_no, -1), outcome), ' > ' ORDER BY attempt_no) AS calls, exact_sum(cost_usd) AS cost
    FROM attempts WHERE run_no = ${run} GROUP BY request_no ORDER BY request_no`);

/** Runs the scenario in simulate and in replay over `transport`; compares them run by run, request by request. */
async function compare(transport: TransportKind, timeScale: number) {
  const loaded = parseScenario(yaml, 'fidelity.yaml');
  const store = await openStore(':memory:');
  try {
    const sim = await runScenario(loaded, { store, env: testEnv });
    const rep = await replayScenario(loaded, { store, env: testEnv, transport, timeScale, realNow: () => performance.now(), processEnv: {} });
    for (const [i, label] of ['single', 'fallback'].entries()) {
      const [s, r] = await summary(store, [sim.runs[i]!.runNo, rep.runs[i]!.runNo]);
      expect([s!.strategy, r!.strategy, r!.mode, r!.requests]).toEqual([label, label, 'replay', 200]);
      // a scenario with failures: the rates compared mean something
      expect(s!.success_rate).toBeLessThan(label === 'single' ? 0.85 : 0.97);
      const [a, b] = [await calls(store, s!.run_no), await calls(store, r!.run_no)];
      const differ = a.filter((x, k) => x.calls !== b[k]!.calls);
      expect(differ.length, `${label}: requests whose calls differ`).toBeLessThanOrEqual(10);
      // where the calls agree, the bill agrees to the token
      for (const [k, x] of a.entries()) if (x.calls === b[k]!.calls) expect(b[k]!.cost, `${label} request ${x.request_no}: ${x.calls}`).toBeCloseTo(x.cost, 12);
      // the cases the billing rule is about are all there: client timeouts with output generated, cut streams, in-band errors
      const [kinds] = await store.all<{ timeouts: number; cut: number }>(`
        SELECT count(*) FILTER (WHERE outcome = 'timeout' AND tokens_out > 0)::INTEGER AS timeouts,
               count(*) FILTER (WHERE outcome = 'error' AND tokens_out > 0)::INTEGER AS cut
        FROM attempts WHERE run_no = ${s!.run_no}`);
      expect(kinds!.timeouts).toBeGreaterThan(3);
      expect(kinds!.cut).toBeGreaterThan(3);
      expect(Math.abs(r!.success_rate - s!.success_rate)).toBeLessThanOrEqual(0.05);
    }
  } finally {
    store.close();
  }
}

describe('simulate vs replay, attempt by attempt', () => {
  it('over msw (2×): same calls, outcomes and cost per request', async () => {
    await compare('msw', 2);
  }, 120_000);

  it('over the loopback mock server (2×): same calls, outcomes and cost per request', async () => {
    await compare('mock-server', 2);
  }, 120_000);
});
