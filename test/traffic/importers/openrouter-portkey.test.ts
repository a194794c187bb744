import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { harnessError, makeTempDir } from '../helpers.js';
import { importRows, logFixture } from './import-logs.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => {
  tmp.cleanup();
});

describe('openrouter importer', () => {
  it('imports generation records with their provider_responses as attempts', async () => {
    const { rows } = await importRows(logFixture('openrouter/generations.jsonl'), 'openrouter', tmp.path('out.jsonl'));
    // Hand-computed from fixtures/logs/openrouter/generations.jsonl; created_at 10:00:00.250, 10:00:01, 10:00:05.5, 10:00:07.
    expect(rows).toEqual([
      {
        arrival_ms: 0, route: 'openai/gpt-4o-mini', input_tokens: 12, output_tokens: 25, cached_tokens: 3, stream: true, tags: { user: 'user-123' }, dialect: 'openai', id: 'gen-1',
        // native token counts win over the normalised ones
        recorded: { ok: true, status: 200, latency_ms: 1250, target: 'OpenAI', request_id: 'chatcmpl-791b', trace_id: 'req-1', cost_usd: 0.0015, attempts: [{ target: 'OpenAI', status: 200, latency_ms: 1180 }] },
      },
      {
        arrival_ms: 750, route: 'anthropic/claude-3.5-haiku', input_tokens: 500, output_tokens: 80, stream: false, dialect: 'openai', id: 'gen-2',
        recorded: {
          ok: true, status: 200, latency_ms: 4100, target: 'Google', request_id: 'gen-abc', trace_id: 'req-2', cost_usd: 0.0009,
          attempts: [
            { target: 'Anthropic', status: 429, latency_ms: 310, error_kind: 'rate_limited' },
            { target: 'Amazon Bedrock', status: 503, latency_ms: 2000, error_kind: 'unavailable' },
            { target: 'Google', status: 200, latency_ms: 1700 },
          ],
        },
      },
      {
        arrival_ms: 5250, route: 'openai/gpt-4o', input_tokens: 40, output_tokens: 0, stream: true, dialect: 'openai', id: 'gen-3',
        // finish_reason error; the last attempt's 502 is the outcome
        recorded: {
          ok: false, status: 502, latency_ms: 900, error_kind: 'bad_gateway', target: 'Azure', trace_id: 'req-3', cost_usd: 0,
          attempts: [
            { target: 'OpenAI', status: 500, latency_ms: 400, error_kind: 'server_error' },
            { target: 'Azure', status: 502, latency_ms: 450, error_kind: 'bad_gateway' },
          ],
        },
      },
      {
        arrival_ms: 6750, route: 'openrouter/auto', input_tokens: 30, output_tokens: 12, stream: true, dialect: 'openai', id: 'gen-4',
        // cancelled by the client, as `record` writes a call the client hung up on
        recorded: { ok: false, status: 200, latency_ms: 2200, target: 'Together', cost_usd: 0.00002, client_closed: true },
      },
    ]);
  });

  it('reports malformed records by line', async () => {
    const g = { id: 'g', created_at: '2026-03-01T10:00:00Z', model: 'm', latency: 10, tokens_prompt: 1, tokens_completion: 1 };
    const file = tmp.write('bad.jsonl', [g, { ...g, created_at: undefined }, { ...g, latency: 'fast' }, { ...g, provider_responses: [{ status: 200 }, { status: 'boom' }] }, { data: [] }].map((x) => JSON.stringify(x)).join('\n'));
    const { stats } = await importRows(file, 'openrouter', tmp.path('out.jsonl'), { onBadRow: 'skip' });
    expect(stats.rows).toBe(1);
    expect(stats.skippedSamples).toEqual([
      `${file}:2: created_at must be an ISO time such as "2026-03-01T10:00:00.123456+00:00", got undefined`,
      `${file}:3: latency must be a number of ms, got "fast"`,
      `${file}:4: provider_responses[1].status must be an HTTP status, got "boom"`,
      `${file}:5: created_at must be an ISO time such as "2026-03-01T10:00:00.123456+00:00", got undefined`,
    ]);
  });
});

describe('portkey importer', () => {
  it('imports log export rows under both field namings, cost from cents', async () => {
    const { rows } = await importRows(logFixture('portkey/logs.jsonl'), 'portkey', tmp.path('out.jsonl'));
    // Hand-computed from fixtures/logs/portkey/logs.jsonl (created_at 10:00:00, :02, :03.250, :09).
    expect(rows).toEqual([
      {
        arrival_ms: 0, route: 'gpt-4o-mini', input_tokens: 120, output_tokens: 30, stream: true, tags: { _user: 'u-9', env: 'prod', portkey_mode: 'SINGLE' }, dialect: 'openai', id: 'log-1',
        recorded: { ok: true, status: 200, latency_ms: 850, target: 'openai', trace_id: 'tr-1', cost_usd: 0.0036 },
      },
      {
        arrival_ms: 2000, route: 'claude-3-5-sonnet-20241022', input_tokens: 800, output_tokens: 0, stream: false, tags: { portkey_mode: 'FALLBACK', portkey_option: '0' }, dialect: 'anthropic', id: 'log-2',
        // ai_provider / request_tokens / status_code naming; Anthropic's 529 overloaded_error
        recorded: { ok: false, status: 529, latency_ms: 1200, error_kind: 'overloaded', target: 'anthropic', trace_id: 'tr-2', cost_usd: 0 },
      },
      {
        arrival_ms: 3250, route: 'gpt-4o', input_tokens: 780, output_tokens: 210, stream: false, tags: { env: 'prod', portkey_mode: 'FALLBACK', portkey_option: '1' }, dialect: 'openai', id: 'log-3',
        // the fallback that answered (same trace_id), after 2 retries folded into this log; 1.2 cents
        recorded: { ok: true, status: 200, latency_ms: 2400, target: 'openai', trace_id: 'tr-2', cost_usd: 0.012, retries: 2 },
      },
      {
        arrival_ms: 9000, route: 'gpt-4o-mini', input_tokens: 120, output_tokens: 30, stream: false, tags: { portkey_mode: 'SINGLE' }, dialect: 'openai', id: 'log-4',
        recorded: { ok: true, status: 200, latency_ms: 12, target: 'cache', trace_id: 'tr-4', cost_usd: 0, cache_hit: true },
      },
    ]);
  });

  it('reports malformed logs by line', async () => {
    const l = { id: 'l', created_at: '2026-03-01T10:00:00Z', ai_org: 'openai', ai_model: 'm', response_status_code: 200, response_time: 5, req_units: 1, res_units: 1 };
    const file = tmp.write('bad.jsonl', [l, { ...l, created_at: '1 March' }, { ...l, response_status_code: 'OK' }, { ...l, req_units: 1.5 }, [1, 2]].map((x) => JSON.stringify(x)).join('\n'));
    const e = await harnessError(importRows(file, 'portkey', tmp.path('out.jsonl')));
    expect(e.message).toBe(`${file}:2: created_at must be an ISO time such as "2026-03-01T10:00:00.123Z", got "1 March"`);
    const { stats } = await importRows(file, 'portkey', tmp.path('out.jsonl'), { onBadRow: 'skip' });
    expect(stats.skippedSamples.slice(1)).toEqual([
      `${file}:3: response_status_code must be an HTTP status, got "OK"`,
      `${file}:4: req_units must be a whole number ≥ 0, got 1.5`,
      `${file}:5: each line must be a Portkey log (a JSON object)`,
    ]);
  });
});
