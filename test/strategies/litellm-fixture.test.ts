/** fixtures/configs/litellm-router.yaml through a scenario, as a scenario in scenarios/ will load it. */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/runner/run-scenario.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { openStore } from '../../src/store/open-store.js';
import { testEnv } from '../helpers/run-yaml.js';
import { fixtureScenario } from './litellm-helpers.js';

interface Row {
  request_no: number;
  attempt_no: number;
  target: string;
  scheduled_ms: number;
  sent_ms: number;
  end_ms: number;
  outcome: string;
  error_kind: string | null;
  reason: string;
}

const yaml = fixtureScenario('../fixtures/configs/litellm-router.yaml', 'litellm-fixture');

async function run(): Promise<Map<number, Row[]>> {
  const store = await openStore(':memory:');
  try {
    await runScenario(parseScenario(yaml, 'scenarios/litellm-fixture.yaml'), { store, env: testEnv });
    const rows = await store.all<Row>(
      `SELECT request_no, attempt_no, target, scheduled_ms, sent_ms, end_ms, outcome::VARCHAR AS outcome, error_kind::VARCHAR AS error_kind, reason FROM attempt_log ORDER BY request_no, attempt_no`,
    );
    const byRequest = new Map<number, Row[]>();
    for (const r of rows) byRequest.set(r.request_no, [...(byRequest.get(r.request_no) ?? []), r]);
    return byRequest;
  } finally {
    store.close();
  }
}

describe('litellm: fixtures/configs/litellm-router.yaml through a scenario', () => {
  it('latency-based routing, cooldowns, retries, fallbacks and context_window_fallbacks as configured', async () => {
    const requests = await run();
    expect(requests.size).toBe(1200);
    const servedBy = (rs: Row[]) => rs.find((r) => r.outcome === 'ok')?.target;
    expect([...requests.values()].every((rs) => servedBy(rs) !== undefined)).toBe(true);
    const within = (from: number, to: number) => [...requests.values()].filter((rs) => rs[0]!.scheduled_ms >= from * 1000 && rs[0]!.scheduled_ms < to * 1000 && rs[0]!.error_kind !== 'context_length');
    const share = (rs: Row[][], target: string) => rs.filter((r) => servedBy(r) === target).length / rs.length;

    // quiet: the faster deployment (0.011 vs 0.016 s per token, outside the 20% buffer) takes the traffic
    expect(share(within(10, 200), 'openai')).toBeGreaterThan(0.95);
    // openai down: after 3 failures in 30 s (allowed_fails 2) it cools; azure serves, retried at 0 s
    expect(share(within(200, 300), 'openai')).toBe(0);
    expect(share(within(200, 300), 'azure')).toBeGreaterThan(0.9);
    const probe = [...requests.values()].find((rs) => rs[0]!.scheduled_ms >= 200_000 && rs.length === 4);
    expect(probe?.map((r) => r.reason)).toEqual([
      'litellm: latency-based-routing (lowest latency per token)',
      'litellm: retry 1 of 2 in group gpt-4o-mini',
      'litellm: retry 2 of 2 in group gpt-4o-mini',
      'litellm: fallback to group claude-haiku after unavailable',
    ]);
    expect(probe!.slice(1).every((r, i) => r.sent_ms === probe![i]!.end_ms)).toBe(true);
    // both gpt-4o-mini deployments down: the group falls back to claude-haiku
    expect(share(within(400, 460), 'anthropic')).toBeGreaterThan(0.9);
    expect(share(within(480, 600), 'openai')).toBeGreaterThan(0.95);
    // prompts over gpt-4o-mini's context window: no retry, straight to the long-context group
    const long = [...requests.values()].filter((rs) => rs[0]!.error_kind === 'context_length');
    expect(long.length).toBeGreaterThan(5);
    for (const rs of long) {
      expect(rs).toHaveLength(2);
      expect(rs[1]).toMatchObject({ target: 'gemini', outcome: 'ok', reason: 'litellm: fallback to group gemini-long-context after context_length' });
    }
  });
});
