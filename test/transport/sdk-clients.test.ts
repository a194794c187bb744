/**
 * The mock server against the official SDKs (openai 6.46.0, @anthropic-ai/sdk 1.14.0): answers
 * parse, usage comes through (cached tokens from the routebench marker), and every fault surfaces
 * as the SDK's own error class, with the SDKs' own retries visible in the hit log.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../src/providers/dialects/index.js';
import type { MockReply, StreamPlan } from '../../src/providers/dialects/dialect.js';
import { playReply } from '../../src/providers/mock/reply-timeline.js';
import { markerHeaders } from '../../src/providers/request-marker.js';
import { findRequest, rawServer, serveScenario, within, type RawServer, type ScenarioServer } from '../helpers/mock-servers.js';

/** Kinds each dialect gets a target for: `o_<kind>` (OpenAI) and `a_<kind>` (Anthropic), failing with probability 1. */
const KINDS = ['context_length', 'auth', 'rate_limited', 'quota_exhausted', 'server_error', 'bad_gateway', 'unavailable', 'overloaded', 'connection_reset', 'timeout', 'truncated'] as const;
type Kind = (typeof KINDS)[number];

const faultTargets = KINDS.flatMap((k) => [
  `  o_${k}: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, errors: { ${k}: 1 }, retry_after_ms: { min: 1000, max: 1000 }, retry_after_share: 1 } }`,
  `  a_${k}: { provider: anthropic, model: claude-3-5-haiku, mock: { profile: perfect, errors: { ${k}: 1 }, retry_after_ms: { min: 1000, max: 1000 }, retry_after_share: 1 } }`,
]).join('\n');

const YAML = `name: sdk
seed: 7
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 1 } }
targets:
  o: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }
  a: { provider: anthropic, model: claude-3-5-haiku, mock: { profile: perfect } }
  o_retry: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, errors: { rate_limited: 1 }, retry_after_ms: { min: 12000, max: 12000 }, retry_after_share: 1 } }
${faultTargets}
strategies: { s: { use: single, options: { target: o } } }
`;

/** Scenario ms per real ms: perfect TTFT 100 ms → 10 ms; a 1 s retry-after → 100 ms. */
const SCALE = 10;
let mock: ScenarioServer;
beforeAll(async () => {
  mock = await serveScenario(YAML, { scale: SCALE });
});
afterAll(async () => {
  await mock?.close();
});

const openai = (target: string, o: { maxRetries?: number; timeout?: number } = {}) =>
  new OpenAI({ apiKey: 'sk-test-openai', baseURL: `${mock.url}/t/${target}/v1`, maxRetries: o.maxRetries ?? 0, timeout: o.timeout ?? 5000 });
const anthropic = (target: string, o: { maxRetries?: number; timeout?: number } = {}) =>
  new Anthropic({ apiKey: 'sk-ant-test', baseURL: `${mock.url}/t/${target}`, maxRetries: o.maxRetries ?? 0, timeout: o.timeout ?? 5000 });

/** The routebench marker of one request, as headers (the SDKs send them as extra headers). */
const mark = (run: string, o: { request?: number; input?: number; cached?: number; output?: number } = {}) =>
  markerHeaders({ request: o.request ?? 0, attempt: 0, run, inputTokens: o.input ?? 50, cachedTokens: o.cached ?? 0, outputTokens: o.output ?? 8 });

const chatBody = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hello there' }], max_completion_tokens: 16 };
function chat(): OpenAI.ChatCompletionCreateParamsNonStreaming;
function chat(stream: true): OpenAI.ChatCompletionCreateParamsStreaming;
function chat(stream = false): OpenAI.ChatCompletionCreateParams {
  return stream ? { ...chatBody, stream: true, stream_options: { include_usage: true } } : chatBody;
}
const message = { model: 'claude-3-5-haiku', max_tokens: 16, messages: [{ role: 'user' as const, content: 'hello there' }] };

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await within(p, 10_000, 'SDK call');
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to fail');
}

const hitsOf = (run: string) => mock.service.hits.since(0, run);

describe('openai SDK against the mock server', () => {
  it('parses a plain completion with usage, cached tokens from the marker', async () => {
    const r = await openai('o').chat.completions.create(chat(), { headers: mark('oa-plain', { input: 1000, cached: 400, output: 12 }) });
    expect(r.object).toBe('chat.completion');
    expect(r.model).toBe('gpt-4o-mini');
    expect(r.choices[0]!.finish_reason).toBe('stop');
    expect(r.choices[0]!.message.role).toBe('assistant');
    expect(r.choices[0]!.message.content).toMatch(/\w/);
    expect(r.usage).toMatchObject({ prompt_tokens: 1000, completion_tokens: 12, total_tokens: 1012, prompt_tokens_details: { cached_tokens: 400 } });
    expect(hitsOf('oa-plain')).toEqual([expect.objectContaining({ target: 'o', request: 0, attempt: 0, repeat: 0, status: 200, stream: false })]);
  });

  it('without a marker estimates the prompt (~4 characters a token) and reports no cache reads', async () => {
    const before = mock.service.hits.since(0).length;
    const r = await openai('o').chat.completions.create({ ...chat(), messages: [{ role: 'user', content: 'x'.repeat(400) }] });
    expect(r.usage).toMatchObject({ prompt_tokens: 100, completion_tokens: 16, prompt_tokens_details: { cached_tokens: 0 } });
    const [hit] = mock.service.hits.since(0).slice(before);
    expect(hit).toMatchObject({ run: 'unmarked', request: undefined, status: 200 });
    expect(hit!.headers['user-agent']).toMatch(/OpenAI\/JS 6\.46\.0/);
  });

  it('streams chunks ending in finish_reason, a usage chunk and [DONE]; the text equals the plain answer', async () => {
    const plain = await openai('o').chat.completions.create(chat(), { headers: mark('oa-stream', { request: 1, input: 800, cached: 256, output: 20 }) });
    const stream = await openai('o').chat.completions.create(chat(true), { headers: mark('oa-stream', { request: 2, input: 800, cached: 256, output: 20 }) });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    let chunks = 0;
    for await (const c of stream) {
      chunks++;
      text += c.choices[0]?.delta.content ?? '';
      finish = c.choices[0]?.finish_reason ?? finish;
      if (c.usage) usage = c.usage;
    }
    expect(chunks).toBeGreaterThan(3);
    expect(finish).toBe('stop');
    expect(text).toBe(plain.choices[0]!.message.content);
    expect(usage).toMatchObject({ prompt_tokens: 800, completion_tokens: 20, prompt_tokens_details: { cached_tokens: 256 } });
  });

  it('a context-length fault is a 400 BadRequestError with code context_length_exceeded', async () => {
    const e = await rejection(openai('o_context_length').chat.completions.create(chat(), { headers: mark('oa-ctx') }));
    expect(e).toBeInstanceOf(OpenAI.BadRequestError);
    expect(e).toMatchObject({ status: 400, code: 'context_length_exceeded', type: 'invalid_request_error', param: 'messages' });
    expect((e as Error).message).toMatch(/maximum context length/);
  });

  it('auth is a 401 AuthenticationError; an unknown target a 404 NotFoundError', async () => {
    const auth = await rejection(openai('o_auth').chat.completions.create(chat(), { headers: mark('oa-auth') }));
    expect(auth).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(auth).toMatchObject({ status: 401, code: 'invalid_api_key' });
    const missing = await rejection(openai('no-such-target').chat.completions.create(chat()));
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect(missing).toMatchObject({ status: 404 });
    expect((missing as Error).message).toMatch(/unknown target "no-such-target"/);
  });

  it('429 rate_limit_exceeded carries the retry-after the mock sent; insufficient_quota carries none', async () => {
    const rl = await rejection(openai('o_rate_limited').chat.completions.create(chat(), { headers: mark('oa-429') }));
    expect(rl).toBeInstanceOf(OpenAI.RateLimitError);
    expect(rl).toMatchObject({ status: 429, code: 'rate_limit_exceeded', type: 'requests' });
    const h = (rl as InstanceType<typeof OpenAI.RateLimitError>).headers;
    // 1 s of scenario time at 10× is 100 real ms: as retry-after-ms, rounded up in retry-after, exact for routebench
    expect([h.get('retry-after-ms'), h.get('retry-after'), h.get('x-routebench-retry-after-ms')]).toEqual(['100', '1', '1000']);
    expect((rl as Error).message).toMatch(/Please try again in 100ms\./);
    const quota = await rejection(openai('o_quota_exhausted').chat.completions.create(chat(), { headers: mark('oa-quota') }));
    expect(quota).toBeInstanceOf(OpenAI.RateLimitError);
    expect(quota).toMatchObject({ status: 429, code: 'insufficient_quota', type: 'insufficient_quota' });
    const qh = (quota as InstanceType<typeof OpenAI.RateLimitError>).headers;
    expect([qh.get('retry-after-ms'), qh.get('retry-after')]).toEqual([null, null]);
  });

  it('500, 503 and overload are InternalServerErrors; 502 carries the HTML page', async () => {
    const cases: [string, number, RegExp][] = [
      ['o_server_error', 500, /The server had an error/],
      ['o_unavailable', 503, /temporarily unavailable/],
      ['o_overloaded', 503, /currently overloaded/],
      ['o_bad_gateway', 502, /api\.openai\.com \| 502: Bad gateway/],
    ];
    for (const [target, status, text] of cases) {
      const e = await rejection(openai(target).chat.completions.create(chat(), { headers: mark(`oa-${target}`) }));
      expect(e, target).toBeInstanceOf(OpenAI.InternalServerError);
      expect((e as InstanceType<typeof OpenAI.APIError>).status, target).toBe(status);
      expect((e as Error).message, target).toMatch(text);
    }
    const bad = await rejection(openai('o_bad_gateway').chat.completions.create(chat(), { headers: mark('oa-502-html') }));
    expect((bad as InstanceType<typeof OpenAI.APIError>).headers?.get('content-type')).toMatch(/^text\/html/);
    expect((bad as InstanceType<typeof OpenAI.APIError>).headers?.get('server')).toBe('cloudflare');
    expect((bad as InstanceType<typeof OpenAI.APIError>).error).toBeUndefined();
  });

  it('a reset is an APIConnectionError; a hang an APIConnectionTimeoutError at the client timeout', async () => {
    const reset = await rejection(openai('o_connection_reset').chat.completions.create(chat(), { headers: mark('oa-reset') }));
    expect(reset).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(reset).not.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    const t0 = performance.now();
    const hang = await rejection(openai('o_timeout', { timeout: 200 }).chat.completions.create(chat(), { headers: mark('oa-hang') }));
    expect(hang).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
    expect(hitsOf('oa-hang')).toEqual([expect.objectContaining({ status: 0, kind: 'timeout' })]);
  });

  it('a truncated stream: the iterator ends without finish_reason, usage or [DONE]', async () => {
    const req = { arrivalMs: 0, route: '', inputTokens: 50, cachedTokens: 0, outputTokens: 200, stream: true, tags: {} };
    const index = findRequest(mock.plan, 'o_truncated', req, (d) => d.tokensOut > 2 && d.tokensOut < 200);
    const stream = await openai('o_truncated').chat.completions.create(chat(true), { headers: mark('oa-trunc', { request: index, output: 200 }) });
    let text = '';
    let finish: string | null = null;
    let usage = false;
    for await (const c of stream) {
      text += c.choices[0]?.delta.content ?? '';
      finish = c.choices[0]?.finish_reason ?? finish;
      usage ||= Boolean(c.usage);
    }
    expect(text.length).toBeGreaterThan(0);
    expect(finish).toBeNull();
    expect(usage).toBe(false);
    expect(hitsOf('oa-trunc')).toEqual([expect.objectContaining({ status: 200, kind: 'truncated', stream: true })]);
  });

  it("the SDK's retries (maxRetries 2) honour retry-after-ms and show in the hit log as retry counts 0, 1, 2", async () => {
    const e = await rejection(openai('o_retry', { maxRetries: 2 }).chat.completions.create(chat(), { headers: mark('oa-retries', { request: 5 }) }));
    expect(e).toBeInstanceOf(OpenAI.RateLimitError);
    expect((e as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after-ms')).toBe('1200');
    const hits = hitsOf('oa-retries');
    expect(hits.map((h) => [h.request, h.attempt, h.repeat, h.headers['x-stainless-retry-count'], h.status])).toEqual([
      [5, 0, 0, '0', 429],
      [5, 0, 1, '1', 429],
      [5, 0, 2, '2', 429],
    ]);
    // between answer and retry the SDK waited the 1.2 s of retry-after-ms: at least that, which its own
    // backoff (0.5 s then 1 s, less up to 25% jitter) never reaches; a lower bound, so a busy machine cannot fail it
    for (const i of [1, 2]) {
      const wait = hits[i]!.receivedAt - hits[i - 1]!.endedAt!;
      expect(wait).toBeGreaterThanOrEqual(1150);
    }
  });
});

describe('anthropic SDK against the mock server', () => {
  it('parses a plain message with usage (cache reads split out of input_tokens)', async () => {
    const m = await anthropic('a').messages.create(message, { headers: mark('an-plain', { input: 1000, cached: 400, output: 12 }) });
    expect(m).toMatchObject({ type: 'message', role: 'assistant', model: 'claude-3-5-haiku', stop_reason: 'end_turn' });
    expect(m.content).toEqual([{ type: 'text', text: expect.stringMatching(/\w/) }]);
    expect(m.usage).toMatchObject({ input_tokens: 600, cache_read_input_tokens: 400, cache_creation_input_tokens: 0, output_tokens: 12 });
  });

  it('streams message_start … message_stop; MessageStream assembles the final message and usage', async () => {
    const plain = await anthropic('a').messages.create(message, { headers: mark('an-stream', { request: 1, input: 900, cached: 300, output: 20 }) });
    const s = anthropic('a').messages.stream(message, { headers: mark('an-stream', { request: 2, input: 900, cached: 300, output: 20 }) });
    const events: string[] = [];
    s.on('streamEvent', (e) => events.push(e.type));
    const final = await within(s.finalMessage(), 5000, 'finalMessage');
    expect(events[0]).toBe('message_start');
    expect(events.at(-1)).toBe('message_stop');
    expect(events.filter((e) => e === 'content_block_delta').length).toBeGreaterThan(1);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.content).toEqual(plain.content);
    expect(final.usage).toMatchObject({ input_tokens: 600, cache_read_input_tokens: 300, output_tokens: 20 });
  });

  it('400 context length, 401, 404 as BadRequestError, AuthenticationError, NotFoundError', async () => {
    const ctx = await rejection(anthropic('a_context_length').messages.create(message, { headers: mark('an-ctx') }));
    expect(ctx).toBeInstanceOf(Anthropic.BadRequestError);
    expect(ctx).toMatchObject({ status: 400, error: { type: 'error', error: { type: 'invalid_request_error' } } });
    expect((ctx as Error).message).toMatch(/prompt is too long/);
    const auth = await rejection(anthropic('a_auth').messages.create(message, { headers: mark('an-auth') }));
    expect(auth).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(auth).toMatchObject({ status: 401, error: { error: { type: 'authentication_error' } } });
    const missing = await rejection(anthropic('no-such-target').messages.create(message));
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
    expect(missing).toMatchObject({ status: 404, error: { error: { type: 'not_found_error' } } });
  });

  it('429 rate_limit_error with retry-after in whole seconds; the spend-limit 429 says not to retry', async () => {
    const rl = await rejection(anthropic('a_rate_limited').messages.create(message, { headers: mark('an-429') }));
    expect(rl).toBeInstanceOf(Anthropic.RateLimitError);
    const h = (rl as InstanceType<typeof Anthropic.RateLimitError>).headers;
    expect([h.get('retry-after'), h.get('x-should-retry'), h.get('x-routebench-retry-after-ms')]).toEqual(['1', 'true', '1000']);
    expect(rl).toMatchObject({ status: 429, error: { error: { type: 'rate_limit_error' } } });
    const quota = await rejection(anthropic('a_quota_exhausted').messages.create(message, { headers: mark('an-quota') }));
    expect(quota).toBeInstanceOf(Anthropic.RateLimitError);
    expect(quota).toMatchObject({ status: 429, error: { error: { type: 'rate_limit_error', details: { error_code: 'enforced_spend_limit_reached' } } } });
    expect((quota as InstanceType<typeof Anthropic.RateLimitError>).headers.get('x-should-retry')).toBe('false');
  });

  it('500, 502 (HTML), 503 and 529 overloaded are the SDK’s server error classes', async () => {
    const cases: [string, number, unknown][] = [
      ['a_server_error', 500, Anthropic.InternalServerError],
      ['a_bad_gateway', 502, Anthropic.InternalServerError],
      ['a_unavailable', 503, Anthropic.ServiceUnavailableError],
      ['a_overloaded', 529, Anthropic.OverloadedError],
    ];
    for (const [target, status, cls] of cases) {
      const e = await rejection(anthropic(target).messages.create(message, { headers: mark(`an-${target}`) }));
      expect(e, target).toBeInstanceOf(cls as typeof Anthropic.APIError);
      expect(e, target).toBeInstanceOf(Anthropic.APIError);
      expect((e as InstanceType<typeof Anthropic.APIError>).status, target).toBe(status);
    }
    const overloaded = await rejection(anthropic('a_overloaded').messages.create(message, { headers: mark('an-529-body') }));
    expect(overloaded).toMatchObject({ status: 529, error: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } });
    expect((overloaded as InstanceType<typeof Anthropic.APIError>).headers?.get('retry-after')).toBe('1');
    const bad = await rejection(anthropic('a_bad_gateway').messages.create(message, { headers: mark('an-502-html') }));
    expect((bad as Error).message).toMatch(/api\.anthropic\.com \| 502: Bad gateway/);
    expect((bad as InstanceType<typeof Anthropic.APIError>).headers?.get('content-type')).toMatch(/^text\/html/);
  });

  it('a reset is an APIConnectionError; a hang an APIConnectionTimeoutError', async () => {
    const reset = await rejection(anthropic('a_connection_reset').messages.create(message, { headers: mark('an-reset') }));
    expect(reset).toBeInstanceOf(Anthropic.APIConnectionError);
    expect(reset).not.toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
    const hang = await rejection(anthropic('a_timeout', { timeout: 200 }).messages.create(message, { headers: mark('an-hang') }));
    expect(hang).toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
  });

  it('a truncated stream (no message_stop): MessageStream.finalMessage rejects', async () => {
    const req = { arrivalMs: 0, route: '', inputTokens: 50, cachedTokens: 0, outputTokens: 200, stream: true, tags: {} };
    const index = findRequest(mock.plan, 'a_truncated', req, (d) => d.tokensOut > 2 && d.tokensOut < 200);
    const s = anthropic('a_truncated').messages.stream(message, { headers: mark('an-trunc', { request: index, output: 200 }) });
    let text = '';
    s.on('text', (t) => (text += t));
    s.on('error', () => {}); // the rejection is asserted below
    const e = await rejection(s.finalMessage());
    expect(e).toBeInstanceOf(Anthropic.AnthropicError);
    expect((e as Error).message).toMatch(/stream ended without producing a Message/);
    expect(text.length).toBeGreaterThan(0);
  });

  it("the SDK's retries of a 500 show in the hit log as retry counts 0, 1, 2", async () => {
    const e = await rejection(anthropic('a_server_error', { maxRetries: 2 }).messages.create(message, { headers: mark('an-retries', { request: 3 }) }));
    expect(e).toBeInstanceOf(Anthropic.InternalServerError);
    expect(hitsOf('an-retries').map((h) => [h.request, h.repeat, h.headers['x-stainless-retry-count'], h.status])).toEqual([
      [3, 0, '0', 500],
      [3, 1, '1', 500],
      [3, 2, '2', 500],
    ]);
  });
});

/**
 * The mock service never plans an in-band stream error (reply-timeline plays only clean, truncated,
 * stalled or reset streams), so the dialects' `encodeStream({ error })` is served here by a tiny
 * server through the same reply timeline.
 */
describe('in-band stream errors after HTTP 200 (dialect encodeStream served over node:http)', () => {
  let server: RawServer;
  const reply: MockReply = { id: 'inband-1', model: 'm', inputTokens: 10, cachedTokens: 0, outputTokens: 30, ttftMs: 5, tokensPerMs: 2, finishReason: 'stop' };
  beforeAll(async () => {
    server = await rawServer((req, res) => {
      const dialect = req.url!.includes('/messages') ? dialects.anthropic : dialects.openai;
      const plan: StreamPlan = { error: { afterTokens: 4 } };
      playReply({ type: 'stream', stream: dialect.encodeStream(reply, plan), resetAtEnd: false }, { head: (s, h) => res.writeHead(s, h), write: (c) => res.write(c), end: () => res.end(), reset: () => req.socket.destroy() }, () => {});
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('openai: the iterator throws an APIError carrying the server_error object', async () => {
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1`, maxRetries: 0, timeout: 5000 });
    const stream = await client.chat.completions.create(chat(true));
    let text = '';
    const e = await rejection(
      (async () => {
        for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
      })(),
    );
    expect(e).toBeInstanceOf(OpenAI.APIError);
    expect(e).toMatchObject({ status: undefined, type: 'server_error' });
    expect((e as Error).message).toMatch(/The server had an error/);
    expect(text.length).toBeGreaterThan(0);
  });

  it('anthropic: event: error rejects finalMessage with an APIError of type overloaded_error', async () => {
    const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: server.url, maxRetries: 0, timeout: 5000 });
    const s = client.messages.stream(message);
    s.on('error', () => {});
    const e = await rejection(s.finalMessage());
    expect(e).toBeInstanceOf(Anthropic.APIError);
    expect(e).toMatchObject({ status: undefined, error: { type: 'error', error: { type: 'overloaded_error' } } });
  });
});
