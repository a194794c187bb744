/**
 * The project's proof that simulation tells the truth: the same scenario and seed simulated on
 * virtual time and replayed over real HTTP (real clock, real SSE parsing) make the same calls
 * attempt by attempt: the same targets, outcomes, billed tokens and cost, on a scenario where
 * requests do fail (errors, cut streams, in-band errors, hangs and client timeouts), so the
 * success rates compared are not 100% on both sides. Billing follows one rule in both modes
 * (engine/billing.ts): a call the client timed out is billed for what the provider generated
 * by then, a cut stream for what was generated before the cut.
 *
 * Real-time replay can differ from simulate only where a reply ends close to its timeout (timer
 * lateness × the time scale decides which comes first, and a busy machine makes it larger): such
 * requests are set aside by their simulated timing (not by whether they happened to differ);
 * every other request must make the same calls, and cost the same exactly.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { runScenario } from '../../src/runner/run-scenario.js';
import { replayScenario } from '../../src/runner/run-replay.js';
import { summary } from '../../src/store/queries.js';
import type { TransportKind } from '../../src/runner/create-transport.js';
import { testEnv } from '../helpers/run-yaml.js';
import { serveScenario } from '../helpers/mock-servers.js';

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
  ok: boolean;
  /** In simulate: some attempt answered within RACE_MS of its 4 s timeout (a late reply in real time can miss it). */
  race: boolean;
}

/** Scenario ms before the timeout within which a busy machine's lateness (× the time scale) can turn an answer into a timeout. */
const RACE_MS = 2000;

/** Per request: every call (target, outcome) in order, and the request's cost. */
const calls = (store: Store, run: number) =>
  store.all<Calls>(`
    SELECT request_no, string_agg(concat_ws(':', coalesce(target_no, -1), outcome), ' > ' ORDER BY attempt_no) AS calls, exact_sum(cost_usd) AS cost,
      bool_or(outcome = 'ok') AS ok, coalesce(bool_or(outcome IN ('ok', 'error') AND end_ms - sent_ms >= 4000 - ${RACE_MS}), false) AS race
    FROM attempts WHERE run_no = ${run} GROUP BY request_no ORDER BY request_no`);

/** Runs the scenario in simulate and in replay over `transport`; compares them run by run, request by request. */
async function compare(transport: TransportKind, timeScale: number, mockUrl?: string, count = 200) {
  const loaded = parseScenario(yaml.replace('count: 200', `count: ${count}`), 'fidelity.yaml');
  const store = await openStore(':memory:');
  try {
    const sim = await runScenario(loaded, { store, env: testEnv });
    const rep = await replayScenario(loaded, { store, env: testEnv, transport, mockUrl, timeScale, realNow: () => performance.now(), processEnv: {} });
    for (const [i, label] of ['single', 'fallback'].entries()) {
      const [s, r] = await summary(store, [sim.runs[i]!.runNo, rep.runs[i]!.runNo]);
      expect([s!.strategy, r!.strategy, r!.mode, r!.requests]).toEqual([label, label, 'replay', count]);
      // a scenario with failures: the rates compared mean something
      expect(s!.success_rate).toBeLessThan(label === 'single' ? 0.85 : 0.97);
      const [a, b] = [await calls(store, s!.run_no), await calls(store, r!.run_no)];
      // Real-time lateness only delays replies (late timers, a busy CPU), never speeds them up: it can
      // only turn an answer that came close to its timeout into a timeout. Every other request makes
      // the same calls with the same outcomes, and its bill agrees to the token.
      const clear = a.filter((x) => !x.race);
      expect(clear.length, `${label}: requests clear of the timeout race`).toBeGreaterThanOrEqual(count * 0.4);
      for (const x of clear) {
        const y = b.find((z) => z.request_no === x.request_no)!;
        expect(y.calls, `${label} request ${x.request_no}`).toBe(x.calls);
        expect(y.cost, `${label} request ${x.request_no}: ${x.calls}`).toBeCloseTo(x.cost, 12);
      }
      // success rates over those requests are equal (and below 100%: failures are compared too)
      const rate = (rows: Calls[]) => rows.filter((x) => x.ok).length / rows.length;
      const mirrored = clear.map((x) => b.find((z) => z.request_no === x.request_no)!);
      expect(rate(mirrored)).toBe(rate(clear));
      expect(rate(clear)).toBeLessThan(1);
      // the cases the billing rule is about are all there: client timeouts with output generated, cut streams, in-band errors
      const [kinds] = await store.all<{ timeouts: number; cut: number }>(`
        SELECT count(*) FILTER (WHERE outcome = 'timeout' AND tokens_out > 0)::INTEGER AS timeouts,
               count(*) FILTER (WHERE outcome = 'error' AND tokens_out > 0)::INTEGER AS cut
        FROM attempts WHERE run_no = ${s!.run_no}`);
      expect(kinds!.timeouts).toBeGreaterThanOrEqual(count / 50);
      expect(kinds!.cut).toBeGreaterThanOrEqual(count / 50);
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

  it('over a mock server in another process (--mock-url, 1×): the same, calls timed out before any byte billed from its generation endpoint', async () => {
    const mock = await serveScenario(yaml, { scale: 1 });
    try {
      await compare('mock-server', 1, mock.url, 100);
    } finally {
      await mock.close();
    }
  }, 120_000);
});
