/**
 * A request without `model`: serve puts each target's model into the body it forwards, so it
 * used to answer 200 where the provider answers 400. Now it answers as the provider does, in the
 * endpoint's dialect: OpenAI 400 invalid_request_error "you must provide a model parameter",
 * Anthropic 400 invalid_request_error "model: Field required"; nothing is sent upstream.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeHandle } from '../../src/serve/start-serve.js';
import { within } from '../helpers/mock-servers.js';
import { startTestServe } from './serve-scenario.js';

let serve: ServeHandle;
beforeAll(async () => {
  serve = await startTestServe('fallback');
});
afterAll(async () => {
  await serve?.close();
});

const failure = (p: Promise<unknown>) => within(p, 10_000, 'call').then(() => undefined, (e: unknown) => e);
const post = (path: string, body: unknown) => fetch(`${serve.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('serve: a request without a model', () => {
  it('OpenAI endpoint: 400 invalid_request_error, as the API answers; no upstream call', async () => {
    const openai = new OpenAI({ apiKey: 'sk-not-used', baseURL: `${serve.url}/v1`, maxRetries: 0, timeout: 5000 });
    const before = serve.mock!.hits.since(0).length;
    const e = await failure(openai.chat.completions.create({ messages: [{ role: 'user', content: 'hi' }] } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming));
    expect(e).toBeInstanceOf(OpenAI.BadRequestError);
    expect(e).toMatchObject({ status: 400, type: 'invalid_request_error' });
    expect((e as Error).message).toMatch(/you must provide a model parameter/);
    for (const model of ['', 42, null]) {
      const r = await post('/v1/chat/completions', { model, messages: [{ role: 'user', content: 'hi' }] });
      const body = (await r.json()) as { error: { type: string; message: string } };
      expect([r.status, body.error.type, body.error.message]).toEqual([400, 'invalid_request_error', 'routebench serve: you must provide a model parameter']);
    }
    expect(serve.mock!.hits.since(0).length).toBe(before);
  });

  it('Anthropic endpoint: 400 invalid_request_error "model: Field required"; a non-string model is not a valid string', async () => {
    const anthropic = new Anthropic({ apiKey: 'sk-ant-not-used', baseURL: serve.url, maxRetries: 0, timeout: 5000 });
    const before = serve.mock!.hits.since(0).length;
    const e = await failure(anthropic.messages.create({ max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] } as unknown as Anthropic.MessageCreateParamsNonStreaming));
    expect(e).toBeInstanceOf(Anthropic.BadRequestError);
    expect(e).toMatchObject({ status: 400, error: { type: 'error', error: { type: 'invalid_request_error' } } });
    expect((e as Error).message).toMatch(/model: Field required/);
    const r = await post('/v1/messages', { model: 7, max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    expect([r.status, await r.json()]).toEqual([400, { type: 'error', error: { type: 'invalid_request_error', message: 'routebench serve: model: Input should be a valid string' } }]);
    expect(serve.mock!.hits.since(0).length).toBe(before);
  });

  it('with a model, the same body is served (the check refuses nothing else)', async () => {
    const r = await post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 4 });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-routebench-target')).toBe('o_good');
    await r.body?.cancel();
  });
});
