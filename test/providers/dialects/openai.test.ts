import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ErrorKind } from '../../../src/providers/canonical.js';
import { dialects } from '../../../src/providers/dialects/index.js';
import { describeDialect, type DialectExpectations } from './dialect.case.js';
import { decodePieces, FIXTURES } from './wire-fixtures.js';

const openai = dialects.openai;
const NOW = Date.UTC(2025, 3, 21, 19, 13, 46);
const fail = (kind: ErrorKind, retryable: boolean, status: number) => ({ ok: false, kind, retryable, status });

const expectations: DialectExpectations = {
  nowMs: NOW,
  responses: {
    '200-success-cached.http': { ok: true, status: 200, retryable: false, usage: { input: 2006, output: 12, cached: 1920 }, finishReason: 'stop' },
    '200-success-length.http': { ok: true, status: 200, usage: { input: 31, output: 16, cached: 0 }, finishReason: 'length' },
    '200-error-object.http': fail('invalid_response', true, 200),
    '200-html.http': fail('invalid_response', true, 200),
    '400-content-filter-azure.http': fail('content_policy', false, 400),
    '400-context-length-exceeded.http': fail('context_length', false, 400),
    '400-unrecognized-argument.http': fail('invalid_request', false, 400),
    '401-invalid-api-key.http': fail('auth', false, 401),
    '403-unsupported-country.http': fail('auth', false, 403),
    '404-model-not-found.http': fail('invalid_request', false, 404),
    '429-insufficient-quota.http': fail('quota_exhausted', false, 429),
    '429-rate-limit-azure.http': { ...fail('rate_limited', true, 429), retryAfterMs: 11650 },
    '429-rate-limit-tpm.http': { ...fail('rate_limited', true, 429), retryAfterMs: 3890 },
    '500-server-error.http': fail('server_error', true, 500),
    '502-cf-bad-gateway.http': { ...fail('bad_gateway', true, 502), message: 'Bad gateway.' },
    '502-cloudflare-html.http': { ...fail('bad_gateway', true, 502), message: '502 api.openai.com | 502: Bad gateway' },
    '503-overloaded.http': fail('overloaded', true, 503),
  },
  streams: {
    'stream.chunks.txt': { tokens: 9, usage: { input: 19, output: 10, cached: 0 }, end: { finishReason: 'stop' } },
    'stream-no-usage-crlf.chunks.txt': { tokens: 6, end: { finishReason: 'length' } },
    'stream-truncated.chunks.txt': { tokens: 3, end: { kind: 'truncated' } },
    'stream-error.chunks.txt': { tokens: 3, end: { kind: 'server_error' } },
    'stream-malformed.chunks.txt': { tokens: 1, end: { kind: 'invalid_response' } },
  },
  // retry-after-ms carries exact ms; a 429 also quotes the wait in its message when no header is sent.
  wireRetryAfter: (kind, ms, share) => (share || kind === 'rate_limited' ? ms : undefined),
  inBandDefault: 'server_error',
};

describeDialect(openai, join(FIXTURES, 'openai'), expectations);

const errBody = (type: string, code: string | null, message = 'x') => JSON.stringify({ error: { message, type, param: null, code } });
const classify = (status: number, headers: Record<string, string>, body = '{}', opts = {}) => openai.classifyError(status, headers, body, NOW, opts);

describe('openai: 429 kinds', () => {
  it('insufficient_quota (and the spend-limit codes) is quota_exhausted; rate_limit_exceeded and slow_down are rate_limited', () => {
    expect(classify(429, {}, errBody('insufficient_quota', 'insufficient_quota'))).toMatchObject({ kind: 'quota_exhausted', retryable: false });
    expect(classify(429, {}, errBody('insufficient_quota', null))).toMatchObject({ kind: 'quota_exhausted' });
    for (const code of ['credit_balance_exhausted', 'organization_spend_limit_exceeded', 'project_spend_limit_exceeded', 'organization_usage_limit_exceeded'])
      expect(classify(429, {}, errBody('insufficient_quota', code)).kind, code).toBe('quota_exhausted');
    expect(classify(429, {}, errBody('tokens', 'rate_limit_exceeded'))).toMatchObject({ kind: 'rate_limited', retryable: true });
    expect(classify(429, {}, errBody('rate_limit_error', 'slow_down')).kind).toBe('rate_limited');
    expect(classify(429, {}, 'Too Many Requests').kind).toBe('rate_limited');
  });
});

describe('openai: retry-after', () => {
  const msg = (m: string) => errBody('tokens', 'rate_limit_exceeded', m);
  it('reads retry-after-ms first, then retry-after seconds, then an HTTP-date, then the message text', () => {
    const text = msg('Rate limit reached… Please try again in 3.89s. Visit …');
    expect(classify(429, { 'retry-after-ms': '1234.5', 'retry-after': '9' }, text).retryAfterMs).toBe(1234.5);
    expect(classify(429, { 'Retry-After': '9' }, text).retryAfterMs).toBe(9000);
    expect(classify(429, { 'retry-after': new Date(NOW + 7000).toUTCString() }, text).retryAfterMs).toBe(7000);
    expect(classify(429, {}, text).retryAfterMs).toBe(3890);
    expect(classify(429, { 'retry-after-ms': 'soon' }, text).retryAfterMs).toBe(3890);
  });

  it('reads Go durations and unit words in the message', () => {
    const cases: [string, number][] = [['try again in 20ms.', 20], ['try again in 1m30s.', 90_000], ['try again in 17.552s.', 17_552], ['Please retry after 12 seconds.', 12_000], ['try again in 2 minutes', 120_000]];
    for (const [m, ms] of cases) expect(classify(429, {}, msg(m)).retryAfterMs, m).toBe(Math.min(ms, 60_000));
    expect(classify(429, {}, msg('try again in a few minutes')).retryAfterMs).toBeUndefined();
  });

  it('clamps absurd values to the maximum (default 60 s) and says so', () => {
    expect(classify(429, { 'retry-after': '86400' })).toMatchObject({ retryAfterMs: 60_000, clamped: true });
    expect(classify(429, { 'retry-after': '-1' })).toMatchObject({ retryAfterMs: 0, clamped: true });
    expect(classify(429, { 'retry-after-ms': '-250' })).toMatchObject({ retryAfterMs: 0, clamped: true });
    expect(classify(429, { 'retry-after': new Date(NOW - 60_000).toUTCString() })).toMatchObject({ retryAfterMs: 0, clamped: true });
    expect(classify(429, {}, msg('try again in 6m0s'))).toMatchObject({ retryAfterMs: 60_000, clamped: true });
    expect(classify(429, { 'retry-after': '600' }, '{}', { maxRetryAfterMs: 3_600_000 })).toMatchObject({ retryAfterMs: 600_000 });
    expect(classify(429, { 'retry-after': '600' }, '{}', { maxRetryAfterMs: 3_600_000 }).clamped).toBeUndefined();
    expect(classify(429, { 'retry-after': '5' }).clamped).toBeUndefined();
  });

  it('decodeResponse resolves an HTTP-date against the response date header when no now is given', () => {
    const headers = { date: new Date(NOW).toUTCString(), 'retry-after': new Date(NOW + 5000).toUTCString() };
    expect(openai.decodeResponse(503, headers, errBody('server_error', null, 'That model is currently overloaded'))).toMatchObject({ kind: 'overloaded', retryAfterMs: 5000 });
  });
});

describe('openai: statuses and bodies', () => {
  it('tells 502 JSON and HTML, 503 overload and outage, and maps 504, 408, 409, 530 and no status', () => {
    expect(classify(502, {}, '{"error":{"code":502,"message":"Bad gateway.","param":null,"type":"cf_bad_gateway"}}').kind).toBe('bad_gateway');
    expect(classify(502, { 'content-type': 'text/html' }, '<html><head><title>502 Bad Gateway</title></head></html>').message).toBe('502 502 Bad Gateway');
    expect(classify(503, {}, errBody('server_error', 'server_is_overloaded')).kind).toBe('overloaded');
    expect(classify(503, {}, 'upstream connect error or disconnect/reset before headers').kind).toBe('unavailable');
    expect(classify(504, {}, '').kind).toBe('timeout');
    expect(classify(408, {}).kind).toBe('timeout');
    expect(classify(409, {})).toMatchObject({ kind: 'server_error', retryable: true });
    expect(classify(530, {}).kind).toBe('unavailable');
    expect(classify(0, {}, '').kind).toBe('connection_reset');
  });

  it('a content_filter finish is a billed refusal, finish_reason "error" and missing usage are invalid responses', () => {
    const body = (finish: string, usage: unknown = { prompt_tokens: 5, completion_tokens: 2 }) => JSON.stringify({ object: 'chat.completion', choices: [{ index: 0, finish_reason: finish }], usage });
    expect(openai.decodeResponse(200, {}, body('content_filter'))).toMatchObject({ ok: false, kind: 'content_policy', usage: { input: 5, output: 2, cached: 0 } });
    expect(openai.decodeResponse(200, {}, body('error'))).toMatchObject({ ok: false, kind: 'invalid_response', retryable: true });
    expect(openai.decodeResponse(200, {}, body('stop', null))).toMatchObject({ ok: false, kind: 'invalid_response' });
    expect(openai.decodeResponse(200, {}, body('tool_calls'))).toMatchObject({ ok: true, finishReason: 'tool_calls' });
  });

  it('writes x-ratelimit-* with Go durations and both wait headers', () => {
    const w = openai.encodeError('rate_limited', { requestId: 'req_1', model: 'gpt-4o-mini', retryAfterMs: 3890, rateLimit: { limit: 30000, remaining: 0, resetMs: 360_000, unit: 'tokens' } });
    expect(w.headers).toMatchObject({ 'x-request-id': 'req_1', 'retry-after-ms': '3890', 'retry-after': '4', 'x-ratelimit-limit-tokens': '30000', 'x-ratelimit-remaining-tokens': '0', 'x-ratelimit-reset-tokens': '6m0s' });
    expect(JSON.parse(w.body).error).toMatchObject({ type: 'tokens', code: 'rate_limit_exceeded' });
    expect(JSON.parse(w.body).error.message).toContain('Please try again in 3.89s.');
    const quota = openai.encodeError('quota_exhausted', { requestId: 'req_2', model: 'm' });
    expect(JSON.parse(quota.body).error).toMatchObject({ type: 'insufficient_quota', code: 'insufficient_quota' });
    const html = openai.encodeError('bad_gateway', { requestId: 'req_3', model: 'm' });
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.body).toContain('<title>api.openai.com | 502: Bad gateway</title>');
  });
});

describe('openai: wire framing', () => {
  const reply = { id: 'chatcmpl-1', model: 'gpt-4o-mini', inputTokens: 100, cachedTokens: 0, outputTokens: 3, ttftMs: 100, tokensPerMs: 0.05, finishReason: 'stop' as const, created: 1741570300 };

  it('asks for usage in streams only, with max_completion_tokens', () => {
    const req = (stream: boolean) => openai.encodeRequest({ model: 'gpt-4o', inputTokens: 10, cachedTokens: 0, maxOutputTokens: 64, stream, marker: 'no marker' });
    expect(req(true)).toMatchObject({ path: '/v1/chat/completions', body: { stream: true, stream_options: { include_usage: true }, max_completion_tokens: 64 } });
    expect(req(false).body).not.toHaveProperty('stream_options');
    expect(Object.keys(req(true).headers).some((h) => h.startsWith('x-routebench'))).toBe(false);
  });

  it('streams data-only chunks, a usage chunk with empty choices, then [DONE]', () => {
    const s = openai.encodeStream(reply);
    for (const e of s.events) expect(e.data).toMatch(/^data: .*\n\n$/);
    expect(s.events.at(-1)!.data).toBe('data: [DONE]\n\n');
    const usage = JSON.parse(s.events.at(-2)!.data.slice(6));
    expect(usage).toMatchObject({ object: 'chat.completion.chunk', created: 1741570300, choices: [], usage: { prompt_tokens: 100, completion_tokens: 3 } });
    expect(JSON.parse(s.events[0]!.data.slice(6)).choices[0].delta).toEqual({ role: 'assistant', content: '', refusal: null });
    expect(JSON.parse(s.events.at(-3)!.data.slice(6)).choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
  });

  it('without include_usage there is no usage field and the stream still completes', () => {
    const s = openai.encodeStream(reply, { includeUsage: false });
    expect(s.events.every((e) => !e.data.includes('"usage"'))).toBe(true);
    const events = decodePieces(openai, s.events.map((e) => e.data));
    expect(events.at(-1)).toEqual({ type: 'done', finishReason: 'stop' });
    expect(events.some((e) => e.type === 'usage')).toBe(false);
  });

  it('a stream cut after finish_reason but before [DONE] is still truncated', () => {
    const s = openai.encodeStream(reply);
    const events = decodePieces(openai, s.events.slice(0, -1).map((e) => e.data));
    expect(events.at(-1)).toMatchObject({ type: 'error', outcome: { kind: 'truncated', retryable: true } });
  });
});
