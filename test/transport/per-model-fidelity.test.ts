/**
 * A target whose mock serves two models of its own (`mock.models`) with very different timings,
 * error mixes and prices: simulate draws each request from the model it asked for, and replay over
 * HTTP (msw and the loopback mock server) must do the same attempt by attempt. The wire carries
 * the target's model; the routebench marker tells the mock the model asked for. On a mock that
 * drew every request from the target's own behaviour, replay's TTFTs would sit near the target's
 * 1 s instead of the models' 100 ms and 3 s, and the slow model's errors would be missing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { runScenario } from '../../src/runner/run-scenario.js';
import { replayScenario } from '../../src/runner/run-replay.js';
import type { TransportKind } from '../../src/runner/create-transport.js';
import { testEnv } from '../helpers/run-yaml.js';
import { serveScenario } from '../helpers/mock-servers.js';

const dir = mkdtempSync(join(tmpdir(), 'rb-per-model-fidelity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const COUNT = 40;
const routes = Array.from({ length: COUNT }, (_, i) => (i % 2 === 0 ? 'fast' : 'slow'));
writeFileSync(
  join(dir, 't.jsonl'),
  `${routes.map((route, i) => JSON.stringify({ arrival_ms: i * 100, route, input_tokens: 200, output_tokens: 20, stream: i % 4 < 2 })).join('\n')}\n`,
);

const yaml = `
name: per-model-fidelity
seed: 11
traffic: { trace: { path: ${JSON.stringify(join(dir, 't.jsonl'))} } }
targets:
  up:
    provider: openai
    model: gpt-4o-mini
    price: { input: 1, output: 2, cached_input: 0.5 }
    mock:
      profile: perfect
      ttft_ms: { p50: 1000, p99: 1000 }
      tokens_per_s: { p50: 100, p99: 100 }
      models:
        fast: { ttft_ms: { p50: 100, p99: 300 }, tokens_per_s: { p50: 500, p99: 200 }, price: { input: 10, output: 40, cached_input: 5 } }
        slow: { ttft_ms: { p50: 3000, p99: 6000 }, tokens_per_s: { p50: 50, p99: 20 }, errors: { server_error: 0.4 } }
strategies:
  single: { use: single, options: { target: up, timeout_ms: 60000 } }
defaults: { max_attempts: 2 }
`;

interface Row {
  request_no: number;
  attempt_no: number;
  route: string;
  outcome: string;
  ttft: number | null;
  cost: number;
}

const attempts = (store: Store, run: number) =>
  store.all<Row>(`
    SELECT request_no, attempt_no, route, outcome, first_token_ms - sent_ms AS ttft, cost_usd AS cost
    FROM attempt_log WHERE run_no = ${run} AND outcome <> 'gave_up' ORDER BY request_no, attempt_no`);

/** Scenario ms a replayed TTFT may run late (timer lateness × the time scale on a busy machine); never early. */
const LATE_MS = 400;

async function compare(transport: TransportKind, timeScale = 2, mockUrl?: string) {
  const loaded = parseScenario(yaml, join(dir, 'per-model-fidelity.yaml'));
  const store = await openStore(':memory:');
  try {
    const sim = await runScenario(loaded, { store, env: testEnv });
    const rep = await replayScenario(loaded, { store, env: testEnv, transport, mockUrl, timeScale, realNow: () => performance.now(), processEnv: {} });
    const [a, b] = [await attempts(store, sim.runs[0]!.runNo), await attempts(store, rep.runs[0]!.runNo)];
    // the simulation itself drew per model: the oracle is the scenario's own numbers
    const okTtft = (rows: Row[], route: string) => rows.filter((r) => r.route === route && r.outcome === 'ok' && r.ttft !== null).map((r) => r.ttft!);
    expect(Math.max(...okTtft(a, 'fast'))).toBeLessThan(400);
    expect(Math.min(...okTtft(a, 'slow'))).toBeGreaterThan(1500);
    expect(a.some((r) => r.route === 'slow' && r.outcome === 'error')).toBe(true);
    expect(a.some((r) => r.route === 'fast' && r.outcome === 'error')).toBe(false);
    // an answered call costs its model's price (hand-computed: 200 input and 20 output tokens; fast
    // has a price of its own, slow takes the target's)
    const price: Record<string, number> = { fast: (200 * 10 + 20 * 40) / 1e6, slow: (200 * 1 + 20 * 2) / 1e6 };
    for (const r of b.filter((x) => x.outcome === 'ok')) expect(r.cost, `${transport} request ${r.request_no}`).toBeCloseTo(price[r.route]!, 12);
    // replay: the same attempts, outcomes and cost (the fast model's price), TTFT late by at most LATE_MS
    expect(b.map((r) => [r.request_no, r.attempt_no, r.route, r.outcome])).toEqual(a.map((r) => [r.request_no, r.attempt_no, r.route, r.outcome]));
    for (const [i, x] of a.entries()) {
      const y = b[i]!;
      const at = `${transport} request ${x.request_no} (${x.route}) attempt ${x.attempt_no}`;
      expect(y.cost, at).toBeCloseTo(x.cost, 12);
      if (x.ttft === null) expect(y.ttft, at).toBeNull();
      else {
        expect(y.ttft!, at).toBeGreaterThanOrEqual(x.ttft - 1);
        expect(y.ttft!, at).toBeLessThan(x.ttft + LATE_MS);
      }
    }
  } finally {
    store.close();
  }
}

describe('simulate vs replay with per-model mocks, attempt by attempt', () => {
  it('over msw (2×): each request drawn from the model it asked for', async () => {
    await compare('msw');
  }, 120_000);

  it('over the loopback mock server (2×): the same', async () => {
    await compare('mock-server');
  }, 120_000);

  it('over a mock server of its own (--mock-url, 1×): the same', async () => {
    const mock = await serveScenario(yaml, { scale: 1 });
    try {
      await compare('mock-server', 1, mock.url);
    } finally {
      await mock.close();
    }
  }, 120_000);
});
