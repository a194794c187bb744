/**
 * `routebench compare` at scale: two runs of 100,000 requests each (single vs fallback over a
 * flaky target, one in-memory DuckDB) compared with 1,000 bootstrap resamples per run. Only the
 * comparison is timed (target: well under 2 s). Called from bench/run.ts.
 */
import { parseScenario } from '../src/scenario/load-scenario.js';
import { openStore } from '../src/store/open-store.js';
import { runScenario } from '../src/runner/run-scenario.js';
import type { RunEnvironment } from '../src/runner/run-environment.js';
import { compareRuns } from '../src/report/compare-runs.js';

export const COMPARE_REQUESTS = 100_000;
export const COMPARE_RESAMPLES = 1000;

/** A fixed clock: the simulation never reads wall time, and run ids stay stable. */
const env: RunEnvironment = {
  wallClock: () => new Date(Date.UTC(2026, 0, 1)),
  monotonicMs: () => performance.now(),
  harnessVersion: 'bench',
  gitCommit: null,
  host: {},
};

export function compareScenario(count: number): string {
  return `
name: bench-compare
seed: 3
traffic:
  synthetic:
    arrival: { process: poisson, rate_per_s: 200 }
    count: ${count}
    input_tokens: { dist: lognormal, p50: 500, p99: 4000 }
    output_tokens: { dist: lognormal, p50: 100, p99: 800 }
    stream: 0.5
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: flaky } }
  b: { provider: anthropic, model: claude-3-5-haiku, mock: { profile: typical } }
strategies:
  single: { use: single, options: { target: a } }
  fallback: { use: fallback, options: { targets: [a, b] } }
`;
}

export async function benchCompare(requests = COMPARE_REQUESTS, resamples = COMPARE_RESAMPLES): Promise<{ ms: number; requestsPerSide: number; resamples: number }> {
  const loaded = parseScenario(compareScenario(requests), 'bench/compare.yaml');
  const store = await openStore(':memory:');
  try {
    const result = await runScenario(loaded, { store, env });
    const [single, fallback] = result.runs;
    const t0 = performance.now();
    await compareRuns({ store, runNo: single!.runNo }, { store, runNo: fallback!.runNo }, { resamples, seed: 1 });
    const ms = performance.now() - t0;
    return { ms: Math.round(ms * 10) / 10, requestsPerSide: single!.requests, resamples };
  } finally {
    store.close();
  }
}
