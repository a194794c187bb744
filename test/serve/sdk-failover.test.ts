/**
 * `routebench serve` against the official SDKs (openai, @anthropic-ai/sdk): a fallback strategy
 * whose first target fails (errors at rate 1 for OpenAI, an outage incident for Anthropic) answers
 * plain and streaming calls from the second target, names it in the headers and counts 2 attempts;
 * when every attempt fails the SDK raises its own error class for the last upstream error.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeHandle } from '../../src/serve/start-serve.js';
import { within } from '../helpers/mock-servers.js';
import { startTestServe } from './serve-scenario.js';

let fallback: ServeHandle;
let allBad: ServeHandle;
let openaiOnly: ServeHandle;
beforeAll(async () => {
  [fallback, allBad, openaiOnly] = await Promise.all([startTestServe('fallback'), startTestServe('all-bad'), startTestServe('openai-only')]);
});
afterAll(async () => {
  await Promise.all([fallback?.close(), allBad?.close(), openaiOnly?.close()]);
});

const openai = (h: ServeHandle) => new OpenAI({ apiKey: 'sk-not-used', baseURL: `${h.url}/v1`, maxRetries: 0, timeout: 5000 });
const anthropic = (h: ServeHandle) => new Anthropic({ apiKey: 'sk-ant-not-used', baseURL: h.url, maxRetries: 0, timeout: 5000 });
const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hello there' }], max_completion_tokens: 12 };
const message = { model: 'claude-3-5-haiku', max_tokens: 12, messages: [{ role: 'user' as const, content: 'hello there' }] };
const routed = (h: Headers) => [h.get('x-routebench-target'), h.get('x-routebench-attempts')];

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await within(p, 10_000, 'SDK call');
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to fail');
}

describe('openai SDK through serve', () => {
  it('a plain call fails over to the second target; the headers name it and count 2 attempts', async () => {
    const { data, response } = await within(openai(fallback).chat.completions.create(chat).withResponse(), 10_000, 'chat');
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]!.finish_reason).toBe('stop');
    expect(data.usage).toMatchObject({ completion_tokens: 12 });
    expect(routed(response.headers)).toEqual(['o_good', '2']);
    expect(response.headers.get('x-routebench-reason')).toMatch(/^fallback: o_good .*after o_bad server_error$/);
    expect(response.headers.get('x-request-id')).toMatch(/^req_serve-/); // the upstream's own headers are relayed
  });

  it('a streaming call fails over before its first byte reaches the client', async () => {
    const { data: stream, response } = await within(openai(fallback).chat.completions.create({ ...chat, stream: true, stream_options: { include_usage: true } }).withResponse(), 10_000, 'stream');
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const c of stream) {
      text += c.choices[0]?.delta.content ?? '';
      finish = c.choices[0]?.finish_reason ?? finish;
      usage = c.usage ?? usage;
    }
    expect(text.split(' ').length).toBe(12);
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ completion_tokens: 12 });
    expect(routed(response.headers)).toEqual(['o_good', '2']);
  });

  it('when every attempt fails, the last upstream error surfaces as the SDK error class (503 → InternalServerError)', async () => {
    const e = await rejection(openai(allBad).chat.completions.create(chat));
    expect(e).toBeInstanceOf(OpenAI.InternalServerError);
    expect(e).toMatchObject({ status: 503, type: 'service_unavailable_error' });
    expect(routed((e as InstanceType<typeof OpenAI.APIError>).headers!)).toEqual(['o_bad2', '2']);
    const streamed = await rejection(openai(allBad).chat.completions.create({ ...chat, stream: true }));
    expect(streamed).toBeInstanceOf(OpenAI.InternalServerError);
  });
});

describe('anthropic SDK through serve', () => {
  it('a plain call fails over from the target in an outage; headers name the second and count 2 attempts', async () => {
    const { data, response } = await within(anthropic(fallback).messages.create(message).withResponse(), 10_000, 'message');
    expect(data.type).toBe('message');
    expect(data.stop_reason).toBe('end_turn');
    expect(data.usage.output_tokens).toBe(12);
    expect(routed(response.headers)).toEqual(['a_good', '2']);
  });

  it('a streaming call fails over too', async () => {
    const { data: stream, response } = await within(anthropic(fallback).messages.create({ ...message, stream: true }).withResponse(), 10_000, 'stream');
    let text = '';
    let stop: string | null = null;
    for await (const ev of stream) {
      if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') text += ev.delta.text;
      if (ev.type === 'message_delta') stop = ev.delta.stop_reason;
    }
    expect(text.split(' ').length).toBe(12);
    expect(stop).toBe('end_turn');
    expect(routed(response.headers)).toEqual(['a_good', '2']);
  });

  it('when every attempt fails, a 529 surfaces as OverloadedError', async () => {
    const e = await rejection(anthropic(allBad).messages.create(message));
    expect(e).toBeInstanceOf(Anthropic.OverloadedError);
    expect(e).toMatchObject({ status: 529 });
    expect(routed((e as InstanceType<typeof Anthropic.APIError>).headers!)).toEqual(['a_bad2', '2']);
  });

  it('an endpoint whose dialect the strategy never reaches answers 400 (serve does not translate)', async () => {
    const e = await rejection(anthropic(openaiOnly).messages.create(message));
    expect(e).toBeInstanceOf(Anthropic.BadRequestError);
    expect((e as Error).message).toMatch(/no anthropic-dialect target.*\/v1\/chat\/completions/);
    expect((e as InstanceType<typeof Anthropic.APIError>).headers!.get('x-routebench-attempts')).toBe('0');
  });
});
