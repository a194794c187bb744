/** Test helper: run a scenario given as YAML text against an in-memory DuckDB. */
import { parseScenario, type LoadedScenario } from '../../src/scenario/load-scenario.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { runScenario, type RunScenarioOptions, type ScenarioResult } from '../../src/runner/run-scenario.js';
import type { RunEnvironment } from '../../src/runner/run-environment.js';

export const testEnv: RunEnvironment = {
  wallClock: () => new Date(Date.UTC(2026, 0, 1)),
  monotonicMs: () => 0,
  harnessVersion: 'test',
  gitCommit: null,
  host: { cpu: 'test', cores: 1 },
};

export interface Ran {
  store: Store;
  result: ScenarioResult;
  loaded: LoadedScenario;
  /** run_no of a strategy label. */
  run(label: string): number;
}

export async function runYaml(yaml: string, opts: Partial<RunScenarioOptions> = {}, file = 'test/inline.yaml'): Promise<Ran> {
  const loaded = parseScenario(yaml, file);
  const store = opts.store ?? (await openStore(':memory:'));
  const result = await runScenario(loaded, { store, env: testEnv, ...opts });
  return {
    store,
    result,
    loaded,
    run(label) {
      const r = result.runs.find((x) => x.strategy === label);
      if (!r) throw new Error(`no run for ${label}`);
      return r.runNo;
    },
  };
}

/** md5 over every attempt row of a run, in a stable order: the determinism fingerprint. */
export async function attemptHash(store: Store, runNo: number): Promise<string> {
  const [row] = await store.all<{ h: string }>(`
    SELECT md5(string_agg(concat_ws(',', request_no, attempt_no, target_no, scheduled_ms, sent_ms, first_token_ms, end_ms,
      outcome, http_status, error_kind, retryable, retry_after_ms, tokens_in, tokens_cached, tokens_out, cost_usd,
      reason, tagset_no, route_no, stream, incident_no), '|' ORDER BY request_no, attempt_no)) AS h
    FROM attempts a JOIN reasons r USING (run_no, reason_no) WHERE run_no = ${runNo}`);
  return row!.h;
}

/** A two-target scenario skeleton with synthetic Poisson traffic. */
/**
 * Target a (perfect) down from minute 1 for an hour, b typical, `count` requests at 100/s: the
 * outage the abort_on_fail and stopped-run tests share; `single` with a success-rate threshold that
 * aborts after `delay` is the first strategy, `others` (YAML lines at strategy indent) follow.
 */
export function outageOfAYaml(o: { count: number; delay: string; others: string }): string {
  return twoTargetYaml({
    rate: 100,
    count: o.count,
    a: '{ profile: perfect }',
    incidents: '[{ kind: outage, targets: [a], start: 1m, duration: 1h }]',
    strategies: `  single:
    use: single
    options: { target: a }
    thresholds:
      success_rate: [{ threshold: '> 0.9', abort_on_fail: true, delay_abort_eval: ${o.delay} }]
${o.others}`,
  });
}

export function twoTargetYaml(o: { seed?: number; rate?: number; count?: number; a?: string; b?: string; strategies: string; incidents?: string; extra?: string }): string {
  return `
name: t
seed: ${o.seed ?? 1}
traffic:
  synthetic:
    arrival: { process: poisson, rate_per_s: ${o.rate ?? 20} }
    count: ${o.count ?? 2000}
    input_tokens: { dist: lognormal, p50: 500, p99: 4000 }
    output_tokens: { dist: lognormal, p50: 100, p99: 800 }
    cached_fraction: 0.25
    stream: 0.5
    tags: { project: { web: 1, batch: 1 } }
targets:
  a:
    provider: openai
    model: gpt-4o-mini
    mock: ${o.a ?? '{ profile: typical }'}
  b:
    provider: anthropic
    model: claude-3-5-haiku
    mock: ${o.b ?? '{ profile: typical }'}
incidents: ${o.incidents ?? '[]'}
strategies:
${o.strategies}
${o.extra ?? ''}`;
}
