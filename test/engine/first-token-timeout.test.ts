/**
 * First-token timeouts (Decision.firstTokenTimeoutMs, used by litellm's stream_timeout): a stream
 * whose first token is later than the limit times out at the limit, in simulate and over HTTP;
 * non-streamed requests and streams that start in time are bounded only by the whole-attempt timeout.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayScenario } from '../../src/runner/run-replay.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { openStore } from '../../src/store/open-store.js';
import { runYaml, testEnv } from '../helpers/run-yaml.js';

const yaml = (ttftMs: number, stream: number) => `
name: ftt
seed: 3
traffic:
  synthetic: { arrival: { process: constant, rate_per_s: 10 }, count: 20, input_tokens: { dist: constant, value: 100 }, output_tokens: { dist: constant, value: 300 }, stream: ${stream} }
targets:
  slow: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, ttft_ms: { p50: ${ttftMs}, p99: ${ttftMs} } } }
strategies:
  litellm:
    use: litellm
    options:
      config:
        model_list:
          - { model_name: m, litellm_params: { model: openai/gpt-4o-mini, timeout: 20, stream_timeout: 1 } }
        router_settings: { num_retries: 0 }
`;

const portkey = (yaml: string) =>
  yaml.replace(
    /  litellm:\n[\s\S]*$/,
    `  portkey:
    use: portkey
    options: { config: { provider: openai, api_key: x, request_timeout: 1000, override_params: { model: gpt-4o-mini } } }
`,
  );

const attempts = async (text: string, label = 'litellm') => {
  const { store, run } = await runYaml(text);
  const rows = await store.all<{ outcome: string; ms: number; ttft: number | null }>(
    `SELECT outcome::VARCHAR AS outcome, end_ms - sent_ms AS ms, first_token_ms - sent_ms AS ttft FROM attempt_log WHERE run_no = ${run(label)} AND outcome <> 'gave_up' ORDER BY request_no`,
  );
  store.close();
  return rows;
};

describe('first-token timeout', () => {
  it('a stream without a first token within stream_timeout times out at it', async () => {
    const rows = await attempts(yaml(2500, 1));
    expect(rows).toHaveLength(20);
    for (const r of rows) expect([r.outcome, Math.round(r.ms), r.ttft]).toEqual(['timeout', 1000, null]);
  });

  it('a stream that starts in time runs to its end, past stream_timeout (a read timeout, not a deadline)', async () => {
    const rows = await attempts(yaml(500, 1));
    // 500 ms to the first token, then 300 tokens at 100 tok/s: 3.5 s in all, longer than stream_timeout
    for (const r of rows) expect([r.outcome, Math.round(r.ms)]).toEqual(['ok', 3500]);
  });

  it('non-streamed requests ignore stream_timeout and use timeout', async () => {
    const rows = await attempts(yaml(2500, 0));
    for (const r of rows) expect([r.outcome, Math.round(r.ms)]).toEqual(['ok', 5500]);
  });

  it('portkey request_timeout: a stream is bounded until it starts, a JSON answer in full', async () => {
    const late = await attempts(portkey(yaml(2500, 1)), 'portkey');
    for (const r of late) expect([r.outcome, Math.round(r.ms)]).toEqual(['timeout', 1000]);
    const started = await attempts(portkey(yaml(500, 1)), 'portkey');
    for (const r of started) expect([r.outcome, Math.round(r.ms)]).toEqual(['ok', 3500]);
    const json = await attempts(portkey(yaml(500, 0)), 'portkey');
    for (const r of json) expect([r.outcome, Math.round(r.ms)]).toEqual(['timeout', 1000]);
  });

  it('over HTTP (msw, 20x): the same streams time out at the first-token limit', async () => {
    const store = await openStore(':memory:');
    try {
      const text = yaml(2500, 1).replace('count: 20', 'count: 6');
      const result = await replayScenario(parseScenario(text, path.join('test', 'ftt.yaml')), { store, env: testEnv, transport: 'msw', timeScale: 20, realNow: () => performance.now(), processEnv: {} });
      const rows = await store.all<{ outcome: string; ms: number; ttft: number | null }>(
        `SELECT outcome::VARCHAR AS outcome, end_ms - sent_ms AS ms, first_token_ms AS ttft FROM attempt_log WHERE run_no = ${result.runs[0]!.runNo} AND outcome <> 'gave_up' ORDER BY ALL`,
      );
      expect(rows).toHaveLength(6);
      for (const r of rows) {
        // Order, not wall-clock bounds (a busy machine delays every timer): the first-token limit
        // (1,000 scenario ms, 50 real ms at 20x) is due before the mock's first token (2,500 ms), so it
        // fires first and the attempt times out without a token. Were only the 20 s whole-attempt
        // timeout armed, the token would arrive first and the stream would run to its end (ok).
        expect([r.outcome, r.ttft]).toEqual(['timeout', null]);
        // and never before the limit (timers do not fire early; 50 ms of scenario time is 2.5 real ms of slack)
        expect(r.ms).toBeGreaterThanOrEqual(950);
      }
    } finally {
      store.close();
    }
  });
});
