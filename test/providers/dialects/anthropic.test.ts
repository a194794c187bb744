import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ErrorKind } from '../../../src/providers/canonical.js';
import { dialects } from '../../../src/providers/dialects/index.js';
import { describeDialect, type DialectExpectations } from './dialect.case.js';
import { decodePieces, FIXTURES } from './wire-fixtures.js';

const anthropic = dialects.anthropic;
const NOW = Date.UTC(2025, 5, 2, 15, 14, 45);
const fail = (kind: ErrorKind, retryable: boolean, status: number) => ({ ok: false, kind, retryable, status });

const expectations: DialectExpectations = {
  nowMs: NOW,
  responses: {
    '200-success-cached.http': { ok: true, status: 200, retryable: false, usage: { input: 2006, output: 17, cached: 1920 }, finishReason: 'stop' },
    '200-success-max-tokens.http': { ok: true, usage: { input: 536, output: 10, cached: 0 }, finishReason: 'length' },
    '400-credit-balance.http': fail('payment_required', false, 400),
    '400-output-blocked.http': fail('content_policy', false, 400),
    '400-prompt-too-long.http': { ...fail('context_length', false, 400), message: 'prompt is too long: 205351 tokens > 200000 maximum' },
    '400-roles-alternate.http': fail('invalid_request', false, 400),
    '401-invalid-api-key.http': fail('auth', false, 401),
    '402-billing.http': fail('payment_required', false, 402),
    '403-permission.http': fail('auth', false, 403),
    '404-not-found.http': fail('invalid_request', false, 404),
    '413-request-too-large.http': fail('invalid_request', false, 413),
    '429-rate-limit.http': { ...fail('rate_limited', true, 429), retryAfterMs: 16_000 },
    '429-spend-limit.http': fail('quota_exhausted', false, 429),
    '500-api-error.http': fail('server_error', true, 500),
    '502-cloudflare-html.http': { ...fail('bad_gateway', true, 502), message: '502 api.anthropic.com | 502: Bad gateway' },
    '504-timeout.http': fail('timeout', true, 504),
    '529-overloaded.http': { ...fail('overloaded', true, 529), message: 'Overloaded' },
  },
  streams: {
    'stream.chunks.txt': { tokens: 8, usage: { input: 2520, output: 12, cached: 2048 }, end: { finishReason: 'stop' } },
    'stream-refusal.chunks.txt': { tokens: 3, end: { kind: 'content_policy' } },
    'stream-truncated.chunks.txt': { tokens: 4, end: { kind: 'truncated' } },
    'stream-error.chunks.txt': { tokens: 2, end: { kind: 'overloaded' } },
    'stream-unknown-event.chunks.txt': { tokens: 1, usage: { input: 2520, output: 1, cached: 2048 }, end: { finishReason: 'length' } },
  },
  // Anthropic sends retry-after in whole seconds only.
  wireRetryAfter: (_kind, ms, share) => (share ? Math.ceil(ms / 1000) * 1000 : undefined),
  inBandDefault: 'overloaded',
};

describeDialect(anthropic, join(FIXTURES, 'anthropic'), expectations);

const body = (type: string, message: string, details?: object) => JSON.stringify({ type: 'error', error: { type, message, ...(details ? { details } : {}) }, request_id: 'req_1' });
const classify = (status: number, headers: Record<string, string>, text: string) => anthropic.classifyError(status, headers, text, NOW);

describe('anthropic: faults', () => {
  it('529 overloaded_error is overloaded and retryable, as an HTTP status and in-band', () => {
    expect(classify(529, {}, body('overloaded_error', 'Overloaded'))).toMatchObject({ kind: 'overloaded', retryable: true });
    const w = anthropic.encodeError('overloaded', { requestId: 'req_9', model: 'claude-3-5-haiku', retryAfterMs: 2000 });
    expect(w.status).toBe(529);
    expect(w.headers).toMatchObject({ 'request-id': 'req_9', 'x-should-retry': 'true', 'retry-after': '2' });
    expect(JSON.parse(w.body)).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' }, request_id: 'req_9' });
  });

  it('billing arriving as a 400 ("credit balance is too low") is payment_required, not invalid_request', () => {
    const c = classify(400, {}, body('invalid_request_error', 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.'));
    expect(c).toMatchObject({ kind: 'payment_required', retryable: false });
    expect(classify(400, {}, body('invalid_request_error', 'Workspace spend limit reached.')).kind).toBe('quota_exhausted');
  });

  it('a 429 spend limit is quota_exhausted by its error_code or its text', () => {
    expect(classify(429, {}, body('rate_limit_error', 'limit', { error_code: 'enforced_spend_limit_reached' })).kind).toBe('quota_exhausted');
    expect(classify(429, {}, body('rate_limit_error', 'You have reached your specified API usage limits. You will regain access on 2025-07-01 at 00:00 UTC.')).kind).toBe('quota_exhausted');
    expect(classify(429, {}, body('rate_limit_error', 'Rate limited')).kind).toBe('rate_limited');
  });

  it('x-should-retry overrides the default, but never makes a futile kind retryable', () => {
    expect(classify(500, { 'x-should-retry': 'false' }, body('api_error', 'Internal server error'))).toMatchObject({ kind: 'server_error', retryable: false });
    expect(classify(400, { 'X-Should-Retry': 'true' }, body('invalid_request_error', 'messages: bad'))).toMatchObject({ kind: 'invalid_request', retryable: true });
    expect(classify(429, { 'x-should-retry': 'true' }, body('rate_limit_error', 'x', { error_code: 'enforced_spend_limit_reached' })).retryable).toBe(false);
    expect(classify(401, { 'x-should-retry': 'true' }, body('authentication_error', 'invalid x-api-key')).retryable).toBe(false);
  });

  it('rate-limit headers: whole-second retry-after and RFC 3339 resets', () => {
    const w = anthropic.encodeError('rate_limited', { requestId: 'req_2', model: 'm', retryAfterMs: 3890, nowMs: NOW, rateLimit: { limit: 40000, remaining: 0, resetMs: 60_500, unit: 'tokens' } });
    expect(w.headers).toMatchObject({
      'retry-after': '4',
      'anthropic-ratelimit-input-tokens-limit': '40000',
      'anthropic-ratelimit-input-tokens-remaining': '0',
      'anthropic-ratelimit-input-tokens-reset': '2025-06-02T15:15:46Z',
      date: 'Mon, 02 Jun 2025 15:14:45 GMT',
    });
    expect(w.headers).not.toHaveProperty('retry-after-ms');
    expect(JSON.parse(w.body).error.message).toContain('40,000 input tokens per minute');
  });

  it('a refusal stop_reason in a 200 is a billed content_policy failure', () => {
    const msg = JSON.stringify({ type: 'message', stop_reason: 'refusal', usage: { input_tokens: 10, output_tokens: 3 } });
    expect(anthropic.decodeResponse(200, {}, msg)).toMatchObject({ ok: false, status: 200, kind: 'content_policy', usage: { input: 10, output: 3, cached: 0 } });
    const tool = JSON.stringify({ type: 'message', stop_reason: 'tool_use', usage: { input_tokens: 10, output_tokens: 3 } });
    expect(anthropic.decodeResponse(200, {}, tool)).toMatchObject({ ok: true, finishReason: 'tool_calls' });
    expect(anthropic.decodeResponse(200, {}, JSON.stringify({ type: 'message', usage: {} }))).toMatchObject({ ok: false, kind: 'invalid_response' });
  });
});

describe('anthropic: wire framing', () => {
  const reply = { id: 'msg_1', model: 'claude-3-5-haiku', inputTokens: 300, cachedTokens: 200, outputTokens: 4, ttftMs: 50, tokensPerMs: 0.05, finishReason: 'length' as const };

  it('sends anthropic-version and max_tokens to /v1/messages', () => {
    const req = anthropic.encodeRequest({ model: 'claude-3-5-haiku', inputTokens: 10, cachedTokens: 0, maxOutputTokens: 64, stream: true, marker: 'x' });
    expect(req).toMatchObject({ path: '/v1/messages', headers: { 'anthropic-version': '2023-06-01' }, body: { max_tokens: 64, stream: true } });
    expect(req.body).not.toHaveProperty('stream_options');
  });

  it('streams named events in the documented order with cumulative usage at the end', () => {
    const s = anthropic.encodeStream(reply);
    const names = s.events.map((e) => /^event: (\w+)\ndata: (\{.*\})\n\n$/.exec(e.data)![1]);
    expect(names).toEqual(['message_start', 'content_block_start', 'ping', 'content_block_delta', 'content_block_delta', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    for (const e of s.events) expect(JSON.parse(e.data.split('\ndata: ')[1]!).type).toBe(/^event: (\w+)/.exec(e.data)![1]);
    const start = JSON.parse(s.events[0]!.data.split('\ndata: ')[1]!);
    expect(start.message.usage).toMatchObject({ input_tokens: 100, cache_read_input_tokens: 200, output_tokens: 1 });
    const delta = JSON.parse(s.events.at(-2)!.data.split('\ndata: ')[1]!);
    expect(delta).toEqual({ type: 'message_delta', delta: { stop_reason: 'max_tokens', stop_sequence: null }, usage: { output_tokens: 4 } });
  });

  it('keeps a stalled stream alive with pings, and the in-band error is event: error overloaded_error', () => {
    const s = anthropic.encodeStream(reply, { stall: { afterTokens: 2, ms: 10_000 }, pingEveryMs: 3000 });
    const pings = s.events.filter((e) => e.data.startsWith('event: ping')).map((e) => e.atMs);
    expect(pings.slice(1)).toEqual([3000, 6000, 9000].map((t) => 50 + 20 + t));
    expect(decodePieces(anthropic, s.events.map((e) => e.data)).at(-1)).toEqual({ type: 'done', finishReason: 'length' });
    const err = anthropic.encodeStream(reply, { error: { afterTokens: 1 } });
    expect(err.events.at(-1)!.data).toBe('event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n');
  });
});
