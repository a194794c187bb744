/** Full engine runs for strategy tests: scenario YAML → runScenario → in-memory DuckDB rows. */
import type { RunEnvironment } from '../../src/runner/run-environment.js';
import { runScenario } from '../../src/runner/run-scenario.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { openStore } from '../../src/store/open-store.js';

const env: RunEnvironment = { wallClock: () => new Date(0), monotonicMs: () => 0, harnessVersion: 'test', gitCommit: null, host: {} };

export interface AttemptLogRow {
  request_no: number;
  attempt_no: number;
  target: string | null;
  sent_ms: number;
  first_token_ms: number | null;
  end_ms: number;
  outcome: string;
  error_kind: string | null;
  reason: string;
  cost_usd: number;
}

export interface RequestRow {
  request_no: number;
  success: boolean;
  attempts: number;
  failover: boolean;
  served_by: number | null;
}

/** Runs the scenario and returns its attempt_log and requests rows, ordered. */
export async function runEngine(yaml: string): Promise<{ attempts: AttemptLogRow[]; requests: RequestRow[] }> {
  const store = await openStore(':memory:');
  try {
    await runScenario(parseScenario(yaml, 'test.yaml'), { store, env });
    const attempts = await store.all<AttemptLogRow>(
      `SELECT request_no, attempt_no, target, sent_ms, first_token_ms, end_ms, outcome::VARCHAR AS outcome, error_kind::VARCHAR AS error_kind, reason, cost_usd
       FROM attempt_log ORDER BY request_no, attempt_no`,
    );
    const requests = await store.all<RequestRow>(`SELECT request_no, success, attempts, failover, served_by FROM requests ORDER BY request_no`);
    return { attempts, requests };
  } finally {
    store.close();
  }
}

/** A scenario with `count` non-streamed requests one second apart, the given targets and one strategy. */
export function scenarioYaml(o: { targets: string; strategy: string; count?: number; stream?: number }): string {
  return `
name: strategy-test
seed: 5
traffic:
  synthetic:
    arrival: { process: constant, rate_per_s: 1 }
    count: ${o.count ?? 10}
    input_tokens: { dist: constant, value: 100 }
    output_tokens: { dist: constant, value: 50 }
    stream: ${o.stream ?? 0}
targets:
${o.targets}
strategies:
  s: ${o.strategy}
`;
}
