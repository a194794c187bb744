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
      `${file}:3: latency must be a number of ms ≥ 0, got "fast"`,
      `${file}:4: provider_responses[1].status must be an HTTP status, got "boom"`,
      `${file}:5: created_at must be an ISO time such as "2026-03-01T10:00:00.123456+00:00", got undefined`,
    ]);
  });
});

/** The targets a row's attempts went to: a list, or a count of 1 (the outcome's target). */
const attemptTargets = (r: Record<string, unknown>) => {
  const rec = r.recorded as { target: string; attempts: number | { target: string }[] };
  return typeof rec.attempts === 'number' ? Array(rec.attempts).fill(rec.target) : rec.attempts.map((a) => a.target);
};

describe('portkey importer', () => {
  it('imports log export rows under both field namings, cost from cents, a fallback chain as one request', async () => {
    const { rows } = await importRows(logFixture('portkey/logs.jsonl'), 'portkey', tmp.path('out.jsonl'));
    // Hand-computed from fixtures/logs/portkey/logs.jsonl (created_at 10:00:00, :02, :03.250, :09).
    expect(rows).toEqual([
      {
        arrival_ms: 0, route: 'gpt-4o-mini', input_tokens: 120, output_tokens: 30, stream: true, tags: { _user: 'u-9', env: 'prod', portkey_mode: 'SINGLE' }, dialect: 'openai', id: 'log-1',
        recorded: { ok: true, status: 200, latency_ms: 850, target: 'openai', trace_id: 'tr-1', cost_usd: 0.0036, attempts: 1 },
      },
      {
        // log-2 (ai_provider / request_tokens / status_code naming; Anthropic's 529 overloaded_error)
        // then log-3, the fallback that answered (same trace_id) after 2 retries folded into it:
        // one request, arriving with log-2 (its id), model, dialect, tokens and outcome of log-3
        arrival_ms: 2000, route: 'gpt-4o', input_tokens: 780, output_tokens: 210, stream: false, tags: { env: 'prod', portkey_mode: 'FALLBACK', portkey_option: '1' }, dialect: 'openai', id: 'log-2',
        recorded: {
          ok: true, status: 200, latency_ms: 1200 + 2400, target: 'openai', trace_id: 'tr-2', cost_usd: 0.012, retries: 2,
          attempts: [
            { target: 'anthropic', status: 529, latency_ms: 1200, error_kind: 'overloaded' },
            { target: 'openai', status: 200, latency_ms: 2400 },
          ],
        },
      },
      {
        arrival_ms: 9000, route: 'gpt-4o-mini', input_tokens: 120, output_tokens: 30, stream: false, tags: { portkey_mode: 'SINGLE' }, dialect: 'openai', id: 'log-4',
        // a cache hit made no upstream attempt; a log that is not part of a chain is one attempt (its outcome)
        recorded: { ok: true, status: 200, latency_ms: 12, target: 'cache', trace_id: 'tr-4', cost_usd: 0, cache_hit: true, attempts: 0 },
      },
    ]);
  });

  it('folds 2- and 3-target fallback chains into one request each, attempts in order; other rows as they were', async () => {
    const { rows, stats } = await importRows(logFixture('portkey/chains.jsonl'), 'portkey', tmp.path('out.jsonl'));
    // Hand-computed from fixtures/logs/portkey/chains.jsonl (created_at 12:00:00 + the arrival below).
    // 9 logs: c-2 + c-4 (trace fb-2) and c-5 + c-6 + c-7 (trace fb-5) are chains: 9 - 1 - 2 = 6 requests.
    expect(stats.rows).toBe(6);
    expect(rows).toEqual([
      {
        arrival_ms: 0, route: 'gpt-4o-mini', input_tokens: 100, output_tokens: 40, stream: false, tags: { portkey_mode: 'SINGLE' }, dialect: 'openai', id: 'c-1',
        recorded: { ok: true, status: 200, latency_ms: 700, target: 'openai', trace_id: 'wf-1', cost_usd: 0.0005, attempts: 1 },
      },
      {
        // 503 on openai, then azure-openai answers; arrival of the first log, though c-3 came between the two
        arrival_ms: 1000, route: 'gpt-4o', input_tokens: 510, output_tokens: 120, stream: false, tags: { portkey_mode: 'FALLBACK', portkey_option: '1' }, dialect: 'openai', id: 'c-2',
        recorded: {
          ok: true, status: 200, latency_ms: 300 + 900, target: 'azure-openai', trace_id: 'fb-2', cost_usd: 0.003,
          attempts: [
            { target: 'openai', status: 503, latency_ms: 300, error_kind: 'unavailable' },
            { target: 'azure-openai', status: 200, latency_ms: 900 },
          ],
        },
      },
      {
        arrival_ms: 1200, route: 'gpt-4o-mini', input_tokens: 60, output_tokens: 20, stream: false, tags: { portkey_mode: 'SINGLE' }, dialect: 'openai', id: 'c-3',
        recorded: { ok: true, status: 200, latency_ms: 650, target: 'openai', trace_id: 'wf-3', cost_usd: 0.0002, attempts: 1 },
      },
      {
        arrival_ms: 5000, route: 'gemini-1.5-pro', input_tokens: 310, output_tokens: 90, stream: false, tags: { portkey_mode: 'FALLBACK', portkey_option: '2' }, dialect: 'openai', id: 'c-5',
        recorded: {
          ok: true, status: 200, latency_ms: 100 + 2000 + 1500, target: 'vertex-ai', trace_id: 'fb-5', cost_usd: 0.004,
          attempts: [
            { target: 'openai', status: 429, latency_ms: 100, error_kind: 'rate_limited' },
            { target: 'anthropic', status: 500, latency_ms: 2000, error_kind: 'server_error' },
            { target: 'vertex-ai', status: 200, latency_ms: 1500 },
          ],
        },
      },
      {
        // trace fb-2 again, after its chain ended in a success, and in SINGLE mode: a request of its own
        arrival_ms: 9000, route: 'gpt-4o-mini', input_tokens: 50, output_tokens: 10, stream: false, tags: { portkey_mode: 'SINGLE' }, dialect: 'openai', id: 'c-8',
        recorded: { ok: true, status: 200, latency_ms: 400, target: 'openai', trace_id: 'fb-2', cost_usd: 0.0001, attempts: 1 },
      },
      {
        // no trace_id: a single request, failed
        arrival_ms: 10000, route: 'gpt-4o', input_tokens: 80, output_tokens: 0, stream: false, tags: { portkey_mode: 'FALLBACK', portkey_option: '0' }, dialect: 'openai', id: 'c-9',
        recorded: { ok: false, status: 503, latency_ms: 250, error_kind: 'unavailable', target: 'openai', cost_usd: 0, attempts: 1 },
      },
    ]);
  });

  it('merges a chain written out of order; a chain longer than the reorder window is cut, the cut tagged', async () => {
    const log = (id: string, trace: string, at: string, status: number, option: number, org: string) =>
      JSON.stringify({ id, trace_id: trace, created_at: `2026-03-01T10:${at}Z`, is_success: status === 200 ? 1 : 0, ai_org: org, ai_model: 'm', req_units: 10, res_units: status === 200 ? 5 : 0, response_status_code: status, response_time: 100, mode: 'FALLBACK', last_used_option_index: option });
    const file = tmp.write('window.jsonl', [
      // trace a: its answer logged before its failure (both within the 10-minute window)
      log('a2', 'a', '09:00.000', 200, 1, 'azure-openai'),
      log('a1', 'a', '00:00.000', 502, 0, 'openai'),
      // trace b: the fallback 11 minutes after the first attempt, past the window
      log('b1', 'b', '10:00.000', 503, 0, 'openai'),
      log('b2', 'b', '21:00.000', 200, 1, 'azure-openai'),
    ].join('\n'));
    const { rows } = await importRows(file, 'portkey', tmp.path('out.jsonl'));
    expect(rows.map((r) => [r.id, r.arrival_ms, attemptTargets(r), (r.tags as Record<string, string>).portkey_chain])).toEqual([
      ['a1', 0, ['openai', 'azure-openai'], undefined],
      ['b1', 600_000, ['openai'], undefined],
      ['b2', 1_260_000, ['azure-openai'], 'split'],
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

describe('a negative duration in a log', () => {
  it.each([
    ['litellm', { request_id: 'r', startTime: '2026-03-01T10:00:00Z', endTime: '2026-03-01T10:00:01Z', status: 'success', model: 'm', prompt_tokens: 1, completion_tokens: 1, request_duration_ms: -500 }, 'request_duration_ms must be a number of ms ≥ 0, got -500'],
    ['openrouter', { id: 'g', created_at: '2026-03-01T10:00:00Z', model: 'm', latency: -100, tokens_prompt: 1, tokens_completion: 1 }, 'latency must be a number of ms ≥ 0, got -100'],
    ['portkey', { id: 'l', created_at: '2026-03-01T10:00:00Z', is_success: 1, ai_model: 'm', ai_org: 'o', response_time: -100 }, 'response_time must be a number of ms ≥ 0, got -100'],
  ])('%s: is a malformed row, not an imported latency_ms below 0', async (format, record, message) => {
    const ok = { ...record, request_duration_ms: undefined, latency: undefined, response_time: undefined };
    const file = tmp.write(`neg-${format}.jsonl`, `${JSON.stringify(ok)}\n${JSON.stringify(record)}\n`);
    const { stats, rows } = await importRows(file, format, tmp.path('out.jsonl'), { onBadRow: 'skip' });
    expect(stats.skippedSamples).toEqual([`${file}:2: ${message}`]);
    expect(rows).toHaveLength(1);
  });
});

describe('a negative cost', () => {
  // Neither OpenRouter (total_cost, USD) nor Portkey (cost, cents) documents a meaning for a
  // negative cost: the call is kept with its cost unknown. It was kept as a cost (-1 -> cost_usd -1).
  const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n');

  it('openrouter: total_cost -1 and -0.000001 leave cost_usd out; 0 and 0.25 are kept', async () => {
    const gen = (id: string, i: number, total_cost?: unknown) => ({
      id, created_at: `2026-03-01T10:00:0${i}+00:00`, model: 'openai/gpt-4o-mini', provider_name: 'OpenAI', latency: 1000, tokens_prompt: 10, tokens_completion: 5, ...(total_cost === undefined ? {} : { total_cost }),
    });
    const file = tmp.write('gen.jsonl', jsonl([gen('neg', 0, -1), gen('tiny', 1, '-0.000001'), gen('zero', 2, 0), gen('pos', 3, 0.25), gen('none', 4)]));
    const { rows, stats } = await importRows(file, 'openrouter', tmp.path('out.jsonl'));
    expect(stats.skippedRows).toBe(0);
    const base = { ok: true, status: 200, latency_ms: 1000, target: 'OpenAI' };
    expect(rows.map((r) => [r.id, r.recorded])).toEqual([
      ['neg', base],
      ['tiny', base],
      ['zero', { ...base, cost_usd: 0 }],
      ['pos', { ...base, cost_usd: 0.25 }],
      ['none', base],
    ]);
  });

  it('portkey: cost -5 (cents) leaves cost_usd out; of a fallback chain, the whole cost is unknown, not the other logs\' sum', async () => {
    const log = (id: string, i: number, cost: unknown, more: object = {}) => ({
      id, trace_id: `t-${id}`, created_at: `2026-03-01T12:00:0${i}.000Z`, is_success: 1, ai_org: 'openai', ai_model: 'gpt-4o-mini', req_units: 10, res_units: 5, cost, response_status_code: 200, response_time: 500, mode: 'SINGLE', ...more,
    });
    const failed = { is_success: 0, response_status_code: 503, mode: 'FALLBACK', trace_id: 't-chain' };
    const file = tmp.write('logs.jsonl', jsonl([
      log('neg', 0, -5), log('tiny', 1, '-0.0001'), log('zero', 2, 0), log('pos', 3, 25),
      // a chain: a failed log with a negative cost, then the fallback that answered (cost 3 cents)
      log('c1', 4, -2, { ...failed, last_used_option_index: 0 }), log('c2', 5, 3, { mode: 'FALLBACK', trace_id: 't-chain', last_used_option_index: 1 }),
      // a chain whose costs are all known: summed, as before
      log('k1', 6, 1, { ...failed, trace_id: 't-known', last_used_option_index: 0 }), log('k2', 7, 3, { mode: 'FALLBACK', trace_id: 't-known', last_used_option_index: 1 }),
    ]));
    const { rows, stats } = await importRows(file, 'portkey', tmp.path('out.jsonl'));
    expect(stats.skippedRows).toBe(0);
    const cost = (r: Record<string, unknown>) => (r.recorded as { cost_usd?: number }).cost_usd;
    expect(rows.map((r) => [r.id, cost(r)])).toEqual([
      ['neg', undefined],
      ['tiny', undefined],
      ['zero', 0],
      ['pos', 0.25],
      ['c1', undefined], // was -0.02 + 0.03 = 0.01
      ['k1', 0.04], // 1 + 3 cents
    ]);
    expect(rows.map((r) => (r.recorded as { ok: boolean }).ok)).toEqual([true, true, true, true, true, true]);
  });
});
