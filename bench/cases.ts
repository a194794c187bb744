/** Scenarios used by the benchmarks (kept here so bench numbers are reproducible). */

/** 1M synthetic requests through `fallback` over three targets that each fail 5% of attempts. */
export function fallbackScenario(count: number): string {
  return `
name: bench-fallback
seed: 1
traffic:
  synthetic:
    arrival: { process: poisson, rate_per_s: 1000 }
    count: ${count}
    stream: 0.5
targets:
  a: { provider: x, model: gpt-4o-mini, mock: { profile: typical, errors: { server_error: 0.05 } } }
  b: { provider: y, model: gpt-4o-mini, mock: { profile: typical, errors: { server_error: 0.05 } } }
  c: { provider: z, model: gpt-4o-mini, mock: { profile: typical, errors: { server_error: 0.05 } } }
strategies:
  fallback: { use: fallback, options: { targets: [a, b, c] } }
`;
}

/** A trace file through `fallback` (for the streaming / memory case). */
export function traceScenario(tracePath: string): string {
  return `
name: bench-trace
seed: 1
traffic:
  trace: { path: ${JSON.stringify(tracePath)}, format: routebench }
targets:
  a: { provider: x, model: gpt-4o-mini, mock: { profile: flaky } }
  b: { provider: y, model: gpt-4o-mini, mock: { profile: typical } }
strategies:
  fallback: { use: fallback, options: { targets: [a, b] } }
`;
}

/** The Azure code trace (one hour, 8,819 requests) through every registered strategy. */
export function azureAllStrategies(tracePath: string): string {
  return `
name: bench-azure-all
seed: 7
traffic:
  trace: { path: ${JSON.stringify(tracePath)}, format: azure, stream: 0.8 }
defaults: { attempt_timeout: 10s }
targets:
  azure: { provider: azure, model: gpt-4o-mini, mock: { profile: typical } }
  openai: { provider: openai, model: gpt-4o-mini, mock: { profile: flaky } }
  haiku: { provider: anthropic, model: claude-3-5-haiku, mock: { profile: fast } }
incidents:
  - { kind: latency, targets: [azure], start: 20m, duration: 15m, rate: 0.45, added_latency: 30s }
strategies:
  single: { use: single, options: { target: azure } }
  fallback: { use: fallback, options: { targets: [azure, openai, haiku] } }
  weighted: { use: weighted, options: { targets: [{ target: azure, weight: 2 }, { target: openai, weight: 1 }], failover: true } }
  round-robin: { use: round-robin, options: { targets: [azure, openai, haiku], failover: true } }
  cheapest: { use: cheapest }
  least-latency: { use: least-latency, options: { metric: ttft } }
  p2c: { use: p2c }
  retry: { use: retry, options: { inner: azure } }
  circuit-breaker: { use: circuit-breaker, options: { inner: { use: fallback, options: { targets: [azure, openai] } } } }
  hedge: { use: hedge, options: { targets: [azure, openai], quantile: 0.9 } }
`;
}

/** Four strategies over ~1.2M attempt rows: the report-generation benchmark's run group. */
export function reportScenario(count = 240_000): string {
  return `
name: bench-report
seed: 1
traffic:
  synthetic:
    arrival: { process: poisson, rate_per_s: 300 }
    count: ${count}
    stream: 0.5
    tags: { project: { a: 1, b: 1, c: 1 } }
targets:
  a: { provider: x, model: gpt-4o-mini, mock: { profile: flaky } }
  b: { provider: y, model: gpt-4o-mini, mock: { profile: typical } }
incidents:
  - { kind: outage, targets: [a], start: 2m, duration: 3m }
strategies:
  single: { use: single, options: { target: a } }
  fallback: { use: fallback, options: { targets: [a, b] } }
  weighted: { use: weighted, options: { targets: [{ target: a }, { target: b }] } }
  hedge: { use: hedge, options: { targets: [a, b] } }
`;
}
