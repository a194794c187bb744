/**
 * The project's proof that simulation tells the truth: the same scenario and seed simulated on
 * virtual time and replayed over real HTTP (msw, real clock, real SSE parsing) agree on success
 * rate within 1 percentage point and on p50/p95 latency within 5%.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { openStore } from '../../src/store/open-store.js';
import { runScenario } from '../../src/runner/run-scenario.js';
import { replayScenario } from '../../src/runner/run-replay.js';
import { summary } from '../../src/store/queries.js';
import { testEnv } from '../helpers/run-yaml.js';

const yaml = `
name: fidelity
seed: 3
traffic:
  synthetic:
    arrival: { process: poisson, rate_per_s: 40 }
    count: 300
    input_tokens: { dist: lognormal, p50: 500, p99: 4000 }
    output_tokens: { dist: lognormal, p50: 60, p99: 300 }
    stream: 0.5
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: flaky, ttft_ms: { p50: 600, p99: 3000 } } }
  b: { provider: anthropic, model: claude-3-5-haiku, mock: { profile: typical, ttft_ms: { p50: 700, p99: 3000 } } }
strategies:
  fallback: { use: fallback, options: { targets: [a, b] } }
`;

describe('simulate vs replay over msw', () => {
  it('agree on success rate (1 pp) and p50/p95 latency (5%) for the same scenario and seed', async () => {
    const loaded = parseScenario(yaml, 'fidelity.yaml');
    const store = await openStore(':memory:');
    const sim = await runScenario(loaded, { store, env: testEnv });
    const rep = await replayScenario(loaded, { store, env: testEnv, transport: 'msw', timeScale: 2, realNow: () => performance.now(), processEnv: {} });
    const [s, r] = await summary(store, [sim.runs[0]!.runNo, rep.runs[0]!.runNo]);
    expect(r!.mode).toBe('replay');
    expect(r!.requests).toBe(300);
    expect(Math.abs(r!.success_rate - s!.success_rate)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(r!.p50_latency_ms! / s!.p50_latency_ms! - 1)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(r!.p95_latency_ms! / s!.p95_latency_ms! - 1)).toBeLessThanOrEqual(0.05);
    // same decisions: identical attempts per request, because the mocks draw the same luck
    const [diff] = await store.all<{ n: number }>(`
      SELECT count(*)::INTEGER AS n FROM requests a JOIN requests b USING (request_no)
      WHERE a.run_no = ${s!.run_no} AND b.run_no = ${r!.run_no} AND (a.attempts <> b.attempts OR a.success <> b.success)`);
    expect(diff!.n).toBeLessThanOrEqual(3);
    store.close();
  }, 60_000);
});
