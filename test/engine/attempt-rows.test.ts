/** What the engine records for each kind of attempt: timing, outcome, billing and reasons. */
import { describe, expect, it } from 'vitest';
import { runYaml } from '../helpers/run-yaml.js';

function one(targets: string, strategies: string, extra = '', count = 200) {
  return `
name: rows
seed: 3
traffic:
  synthetic:
    arrival: { process: constant, rate_per_s: 10 }
    count: ${count}
    input_tokens: { dist: constant, value: 1000 }
    output_tokens: { dist: constant, value: 100 }
    stream: 1
targets:
${targets}
strategies:
${strategies}
${extra}`;
}

describe('attempt rows', () => {
  it('a hanging provider times out exactly at the attempt timeout, unbilled', async () => {
    const { store, run } = await runYaml(
      one(`  a: { provider: x, model: gpt-4o-mini, timeout: 5s, mock: { profile: perfect, errors: { timeout: 1 } } }`, `  s: { use: single, options: { target: a } }`),
    );
    const rows = await store.all<{ outcome: string; error_kind: string; d: number; cost: number; status: number | null }>(
      `SELECT DISTINCT outcome::VARCHAR AS outcome, error_kind::VARCHAR AS error_kind, end_ms - sent_ms AS d, cost_usd AS cost, http_status AS status FROM attempts WHERE run_no = ${run('s')} AND outcome <> 'gave_up'`,
    );
    expect(rows).toEqual([{ outcome: 'timeout', error_kind: 'timeout', d: 5000, cost: 0, status: null }]);
    store.close();
  });

  it('a perfect provider answers with exact TTFT and duration, and failed requests get one gave_up row', async () => {
    const { store, run } = await runYaml(
      one(
        `  a: { provider: x, model: gpt-4o-mini, mock: { profile: perfect } }
  dead: { provider: y, model: gpt-4o-mini, mock: { profile: perfect, errors: { unavailable: 1 } } }`,
        `  ok: { use: single, options: { target: a } }
  dead: { use: single, options: { target: dead } }`,
      ),
    );
    // perfect: TTFT 100 ms (prefill is negligible), 100 tokens at 100 tok/s = 1 s.
    const [ok] = await store.all<{ ttft: number; latency: number; n: number }>(
      `SELECT min(ttft_ms) AS ttft, max(latency_ms) AS latency, count(*)::INTEGER AS n FROM requests WHERE run_no = ${run('ok')} AND success`,
    );
    expect(ok!.n).toBe(200);
    expect(ok!.ttft).toBeCloseTo(100, 3);
    expect(ok!.latency).toBeCloseTo(1100, 3);
    const dead = await store.all<{ outcome: string; n: number; kind: string; reason: string }>(
      `SELECT outcome::VARCHAR AS outcome, count(*)::INTEGER AS n, any_value(error_kind)::VARCHAR AS kind, any_value(reason) AS reason FROM attempt_log WHERE run_no = ${run('dead')} GROUP BY outcome ORDER BY outcome`,
    );
    expect(dead).toEqual([
      { outcome: 'error', n: 200, kind: 'unavailable', reason: 'single: dead' },
      { outcome: 'gave_up', n: 200, kind: 'unavailable', reason: 'single: no failover' },
    ]);
    const [http] = await store.all<{ s: number }>(`SELECT DISTINCT http_status AS s FROM attempts WHERE run_no = ${run('dead')} AND outcome = 'error'`);
    expect(http!.s).toBe(503);
    store.close();
  });

  it('a hedge loser is cancelled when the winner answers, recorded as hedge_lost and billed for what it generated', async () => {
    const { store, run } = await runYaml(
      one(
        `  slow: { provider: x, model: gpt-4o-mini, price: { input: 1, output: 1 }, mock: { profile: perfect, ttft_ms: { p50: 1500, p99: 1500 } } }
  fast: { provider: y, model: gpt-4o-mini, price: { input: 1, output: 1 }, mock: { profile: perfect } }`,
        `  h: { use: hedge, options: { targets: [slow, fast], after_ms: 200 } }`,
      ),
    );
    const rows = await store.all<{ target: string; outcome: string; sent: number; end: number; tin: number; tout: number }>(
      `SELECT target, outcome::VARCHAR AS outcome, sent_ms - scheduled_ms AS sent, end_ms - scheduled_ms AS "end", tokens_in AS tin, tokens_out AS tout
       FROM attempt_log WHERE run_no = ${run('h')} AND request_no = 0 ORDER BY attempt_no`,
    );
    // fast: sent at 200 ms, first token at 300 ms, done at 1300 ms; slow: first token would come at 1500 ms.
    expect(rows.map((r) => ({ ...r, sent: Math.round(r.sent), end: Math.round(r.end) }))).toEqual([
      { target: 'slow', outcome: 'hedge_lost', sent: 0, end: 1300, tin: 0, tout: 0 },
      { target: 'fast', outcome: 'ok', sent: 200, end: 1300, tin: 1000, tout: 100 },
    ]);
    store.close();
  });

  it('an outage incident fails every attempt inside its window and none outside', async () => {
    const { store, run } = await runYaml(
      one(
        `  a: { provider: x, model: gpt-4o-mini, mock: { profile: perfect } }`,
        `  s: { use: single, options: { target: a } }`,
        `incidents:\n  - { name: cut, kind: outage, targets: [a], start: 5s, duration: 5s }`,
      ),
    );
    const rows = await store.all<{ inside: boolean; ok: number; failed: number; incident: string | null }>(
      `SELECT sent_ms >= 5000 AND sent_ms < 10000 AS inside, count(*) FILTER (WHERE outcome = 'ok')::INTEGER AS ok,
         count(*) FILTER (WHERE outcome = 'error')::INTEGER AS failed, any_value(incident) AS incident
       FROM attempt_log WHERE run_no = ${run('s')} AND outcome <> 'gave_up' GROUP BY ALL ORDER BY inside`,
    );
    expect(rows).toEqual([
      { inside: false, ok: 150, failed: 0, incident: null },
      { inside: true, ok: 0, failed: 50, incident: 'cut' },
    ]);
    store.close();
  });

  it('rate limits answer 429 with a retry-after that says when the bucket refills', async () => {
    const { store, run } = await runYaml(
      one(`  a: { provider: x, model: gpt-4o-mini, mock: { profile: perfect, rate_limit: { rpm: 60 } } }`, `  s: { use: single, options: { target: a } }`),
    );
    // 10 req/s for 19.9 s against 60 RPM: a full bucket of 60, refilled at 1 per second → 60 + 19 admitted.
    const [row] = await store.all<{ ok: number; limited: number; ra_min: number; ra_max: number }>(
      `SELECT count(*) FILTER (WHERE outcome = 'ok')::INTEGER AS ok, count(*) FILTER (WHERE error_kind = 'rate_limited' AND outcome = 'error')::INTEGER AS limited,
         min(retry_after_ms) AS ra_min, max(retry_after_ms) AS ra_max FROM attempts WHERE run_no = ${run('s')} AND outcome <> 'gave_up'`,
    );
    expect(row!.ok + row!.limited).toBe(200);
    expect(row!.ok).toBe(79);
    expect(row!.ra_min).toBe(1000);
    expect(row!.ra_max).toBe(1000);
    store.close();
  });

  it('the engine caps attempts per request (defaults.max_attempts) and says so', async () => {
    const { store, run } = await runYaml(
      one(
        `  a: { provider: x, model: gpt-4o-mini, mock: { profile: perfect, errors: { server_error: 1 } } }`,
        `  r: { use: retry, options: { inner: a, attempts: 10, base_ms: 0, max_ms: 0 } }`,
        `defaults: { max_attempts: 3 }`,
        20,
      ),
    );
    const rows = await store.all<{ attempts: number; reason: string }>(
      `SELECT count(*) FILTER (WHERE outcome <> 'gave_up')::INTEGER AS attempts, max(reason) FILTER (WHERE outcome = 'gave_up') AS reason FROM attempt_log WHERE run_no = ${run('r')} GROUP BY request_no`,
    );
    expect(new Set(rows.map((r) => JSON.stringify(r)))).toEqual(new Set([JSON.stringify({ attempts: 3, reason: 'engine: attempt cap of 3 reached (defaults.max_attempts)' })]));
    store.close();
  });
});
