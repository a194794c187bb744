/**
 * The prompt-size estimate of unmarked requests (mock server, serve, record): one iterative walk.
 * A body nested hundreds of thousands of levels deep (JSON.parse reads it) overflowed the three
 * recursive copies it replaces and crashed the mock server and serve from a request handler.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMocks } from '../../src/engine/plan-scenario.js';
import { MockService } from '../../src/providers/mock/mock-service.js';
import { startMockServer, type MockServer } from '../../src/providers/mock/mock-http-server.js';
import { estimatePromptTokens, promptChars } from '../../src/providers/prompt-size.js';
import type { ServeHandle } from '../../src/serve/start-serve.js';
import { planYaml } from '../helpers/mock-servers.js';
import { startTestServe } from '../serve/serve-scenario.js';

/** `{"model": …, "messages": [{"role":"user","content": [[[…"hi"…]]]}]}` nested `depth` arrays deep. */
const deepBody = (depth: number) => `{"model":"gpt-4o-mini","max_tokens":4,"messages":[{"role":"user","content":${'['.repeat(depth)}"hi"${']'.repeat(depth)}}]}`;

describe('promptChars', () => {
  it('counts strings in messages and system, through arrays and content/text parts only (hand-counted)', () => {
    const body = {
      system: [{ type: 'text', text: 'be brief' }], // 8
      messages: [
        { role: 'user', content: 'hello' }, // 5 (role is not counted)
        { role: 'user', content: [{ type: 'text', text: 'abc' }, { type: 'image_url', image_url: { url: 'http://x' } }, 'de'] }, // 3 + 2
        { role: 'tool', content: [{ content: [{ text: 'xyz' }] }] }, // 3
      ],
      model: 'not counted',
    };
    expect(promptChars(body)).toBe(8 + 5 + 3 + 2 + 3);
    expect(estimatePromptTokens(body)).toBe(Math.ceil(21 / 4));
    expect(promptChars(null)).toBe(0);
    expect(promptChars({ messages: 'str' })).toBe(3);
  });

  it('walks a body 300,000 levels deep without overflowing the stack', () => {
    expect(promptChars(JSON.parse(deepBody(300_000)))).toBe(2);
  });
});

describe('a deeply nested request body', () => {
  let mock: MockServer;
  let serve: ServeHandle;
  beforeAll(async () => {
    const plan = planYaml(`name: deep
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 1 } }
targets:
  o: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }
strategies: { s: { use: single, options: { target: o } } }
`);
    mock = await startMockServer(new MockService(plan.targets, () => createMocks(plan), () => performance.now(), { defaultScale: 100 }), { port: 0 });
    serve = await startTestServe('openai-only');
  });
  afterAll(async () => {
    await mock?.close();
    await serve?.close();
  });

  const post = (url: string, body: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(20_000) });
  const normal = JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 4, messages: [{ role: 'user', content: 'hi' }] });

  it('gets an answer from the mock server, which goes on serving', async () => {
    const r = await post(`${mock.url}/t/o/v1/chat/completions`, deepBody(300_000));
    expect(r.status).toBeGreaterThanOrEqual(200);
    await r.body?.cancel();
    const ok = await post(`${mock.url}/t/o/v1/chat/completions`, normal);
    expect(ok.status).toBe(200);
    await ok.body?.cancel();
  });

  it('gets an answer from serve, which goes on serving', async () => {
    const r = await post(`${serve.url}/v1/chat/completions`, deepBody(300_000));
    expect(r.status).toBeGreaterThanOrEqual(200);
    await r.body?.cancel();
    const ok = await post(`${serve.url}/v1/chat/completions`, normal);
    expect(ok.status).toBe(200);
    await ok.body?.cancel();
  });
});
