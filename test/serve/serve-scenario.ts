/**
 * Shared by the serve tests: a scenario with a failing and a healthy target per dialect (fast
 * perfect mocks: 5 ms to the first token, 2,000 tokens/s), and a serve handle started on any free
 * port with the in-process mock.
 */
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { startServe, type ServeHandle, type ServeOptions } from '../../src/serve/start-serve.js';

const FAST = 'ttft_ms: { p50: 5, p99: 5 }, error_latency_ms: { p50: 5, p99: 5 }, tokens_per_s: { p50: 2000, p99: 2000 }';

export const SERVE_YAML = `name: serve-test
seed: 7
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 1 } }
targets:
  o_bad: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, errors: { server_error: 1 }, ${FAST} } }
  o_bad2: { provider: openai, model: gpt-4o, mock: { profile: perfect, errors: { unavailable: 1 }, ${FAST} } }
  o_good: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, ${FAST} } }
  o_inband: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, errors: { server_error: 1 }, in_band_error_share: 1, ${FAST} } }
  o_flaky: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, errors: { server_error: 0.3, rate_limited: 0.2 }, ${FAST} } }
  o_slow: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, ttft_ms: { p50: 400, p99: 400 }, tokens_per_s: { p50: 2000, p99: 2000 } } }
  o_hang: { provider: openai, model: gpt-4o-mini, timeout: 150ms, mock: { profile: perfect, errors: { timeout: 1 }, ${FAST} } }
  o_reset: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, errors: { connection_reset: 1 }, ${FAST} } }
  a_down: { provider: anthropic, model: claude-3-5-haiku, mock: { profile: perfect, ${FAST} } }
  a_bad2: { provider: anthropic, model: claude-3-5-haiku, mock: { profile: perfect, errors: { overloaded: 1 }, ${FAST} } }
  a_good: { provider: anthropic, model: claude-3-5-haiku, mock: { profile: perfect, ${FAST} } }
incidents:
  - { name: anthropic-outage, kind: outage, targets: [a_down], start: 0s, duration: 1h, error: overloaded }
strategies:
  fallback: { use: fallback, options: { targets: [o_bad, o_good, a_down, a_good] } }
  all-bad: { use: fallback, options: { targets: [o_bad, o_bad2, a_down, a_bad2] } }
  inband: { use: fallback, options: { targets: [o_inband, o_good] } }
  flaky: { use: fallback, options: { targets: [o_flaky, o_good] } }
  hedge: { use: hedge, options: { targets: [o_slow, o_good], after_ms: 20, min_samples: 1000 } }
  slow: { use: single, options: { target: o_slow } }
  hang: { use: single, options: { target: o_hang } }
  reset: { use: single, options: { target: o_reset } }
  openai-only: { use: single, options: { target: o_good } }
  retry: { use: retry, options: { inner: { use: single, options: { target: o_bad } }, attempts: 3, base_ms: 1, max_ms: 2, jitter: 0 } }
`;

export const loadedServeScenario = () => parseScenario(SERVE_YAML, 'test/serve/serve.yaml');

export function startTestServe(strategy: string, o: Partial<ServeOptions> = {}): Promise<ServeHandle> {
  return startServe({ loaded: loadedServeScenario(), strategy, port: 0, realNow: () => performance.now(), env: {}, ...o });
}
