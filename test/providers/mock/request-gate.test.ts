/**
 * The mock server refuses what the real APIs refuse, with their status, error shape and message,
 * seen through the official SDKs (BadRequestError & co.) and raw fetch: malformed and non-object
 * JSON, a missing model, max_tokens below 1, an OpenAI-shaped body on /v1/messages, a path of the
 * other dialect, a prompt over the context window, a body over the size limit (413 while the
 * client is still sending); and it binds loopback only unless told otherwise. Before this, each
 * of these got a 200 (usage -4 for max_tokens -4) or a 26-minute "prefill".
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createMocks } from '../../../src/engine/plan-scenario.js';
import { HarnessError } from '../../../src/errors.js';
import { runCli } from '../../../src/cli/main.js';
import { memoryIo } from '../../../src/cli/io.js';
import { MockService } from '../../../src/providers/mock/mock-service.js';
import { startMockServer, type MockServer } from '../../../src/providers/mock/mock-http-server.js';
import { planYaml } from '../../helpers/mock-servers.js';

const YAML = `name: gate
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 1 } }
targets:
  o: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }
  a: { provider: anthropic, model: claude-3-5-haiku, mock: { profile: perfect } }
  small: { provider: openai, model: gpt-4o-mini, context_window: 1000, mock: { profile: perfect } }
strategies: { s: { use: single, options: { target: o } } }
`;

const LIMIT = 64 * 1024;
let server: MockServer;
let service: MockService;
beforeAll(async () => {
  const plan = planYaml(YAML);
  service = new MockService(plan.targets, () => createMocks(plan), () => performance.now(), { defaultScale: 100 });
  server = await startMockServer(service, { port: 0, maxBodyBytes: LIMIT });
});
afterAll(async () => {
  await server?.close();
});

const openai = (target = 'o') => new OpenAI({ apiKey: 'sk-not-used', baseURL: `${server.url}/t/${target}/v1`, maxRetries: 0, timeout: 10_000 });
const anthropic = () => new Anthropic({ apiKey: 'sk-ant-not-used', baseURL: `${server.url}/t/a`, maxRetries: 0, timeout: 10_000 });

async function rejection(p: Promise<unknown>): Promise<Record<string, unknown>> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeDefined();
  return e as Record<string, unknown>;
}

const post = (route: string, body: string | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, duplex: 'half' } as RequestInit);

describe('the OpenAI dialect refuses what OpenAI refuses (openai SDK)', () => {
  it('serves a valid request', async () => {
    const r = await openai().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 });
    expect(r.object).toBe('chat.completion');
  });

  it('max_tokens: -4 is a BadRequestError (integer_below_min_value), not a 200 with usage -4', async () => {
    const hitsBefore = service.hits.size;
    const e = await rejection(openai().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: -4 }));
    expect(e).toBeInstanceOf(OpenAI.BadRequestError);
    expect([e.status, e.code, e.param, e.type]).toEqual([400, 'integer_below_min_value', 'max_tokens', 'invalid_request_error']);
    expect((e.error as { message: string }).message).toBe("Invalid 'max_tokens': integer below minimum value. Expected a value >= 1, but got -4 instead.");
    expect(service.hits.size).toBe(hitsBefore); // the mock model never saw it
  });

  it('no model, no messages, a non-boolean stream', async () => {
    const noModel = await rejection(openai().chat.completions.create({ model: '', messages: [{ role: 'user', content: 'hi' }] }));
    expect(noModel).toBeInstanceOf(OpenAI.BadRequestError);
    expect((noModel.error as { message: string }).message).toBe('you must provide a model parameter');
    const noMessages = await rejection(openai().chat.completions.create({ model: 'gpt-4o-mini' } as never));
    expect([noMessages.status, noMessages.code, noMessages.param]).toEqual([400, 'missing_required_parameter', 'messages']);
    const res = await post('/t/o/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: 'yes' }));
    expect(await res.json()).toEqual({ error: { message: "Invalid type for 'stream': expected a boolean, but got a string instead.", type: 'invalid_request_error', param: 'stream', code: 'invalid_type' } });
  });

  it("a prompt over the context window gets OpenAI's context_length_exceeded (the target's window, else 128,000)", async () => {
    const big = 'x'.repeat(4 * 1200);
    const small = await rejection(openai('small').chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: big }] }));
    expect(small).toBeInstanceOf(OpenAI.BadRequestError);
    expect([small.code, small.param]).toEqual(['context_length_exceeded', 'messages']);
    expect((small.error as { message: string }).message).toBe("This model's maximum context length is 1000 tokens. However, your messages resulted in 1200 tokens. Please reduce the length of the messages.");
    // The default window needs a body over the 64 KiB limit of this server: checked on a server with the default limit.
    const plan = planYaml(YAML);
    const roomy = await startMockServer(new MockService(plan.targets, () => createMocks(plan), () => performance.now(), { defaultScale: 100 }), { port: 0 });
    try {
      const client = new OpenAI({ apiKey: 'sk-not-used', baseURL: `${roomy.url}/t/o/v1`, maxRetries: 0, timeout: 10_000 });
      const e = await rejection(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'x'.repeat(4 * 100_000) }, { role: 'user', content: 'x'.repeat(4 * 28_001) }] }));
      expect((e.error as { message: string }).message).toMatch(/^This model's maximum context length is 128000 tokens\. However, your messages resulted in 128001 tokens\./);
      const fits = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x'.repeat(4 * 128_000) }], max_tokens: 3 });
      expect(fits.usage?.prompt_tokens).toBe(128_000);
    } finally {
      await roomy.close();
    }
  });
});

describe('the Anthropic dialect refuses what Anthropic refuses (@anthropic-ai/sdk)', () => {
  const messages = [{ role: 'user' as const, content: 'hi' }];

  it('serves a valid request; max_tokens: -4 and a missing model are BadRequestErrors with field paths', async () => {
    expect((await anthropic().messages.create({ model: 'claude-3-5-haiku', max_tokens: 5, messages })).type).toBe('message');
    const neg = await rejection(anthropic().messages.create({ model: 'claude-3-5-haiku', max_tokens: -4, messages }));
    expect(neg).toBeInstanceOf(Anthropic.BadRequestError);
    expect(neg.error).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Input should be greater than or equal to 1' }, request_id: expect.stringMatching(/^req_/) });
    const noModel = await rejection(anthropic().messages.create({ max_tokens: 5, messages } as never));
    expect((noModel.error as { error: { message: string } }).error.message).toBe('model: Field required');
  });

  it('an OpenAI-shaped body on /v1/messages is refused as the Messages API refuses it', async () => {
    const openaiShaped = { model: 'claude-3-5-haiku', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }], max_completion_tokens: 5 };
    const noMax = await rejection(anthropic().messages.create(openaiShaped as never));
    expect(noMax).toBeInstanceOf(Anthropic.BadRequestError);
    expect((noMax.error as { error: { message: string } }).error.message).toBe('max_tokens: Field required');
    const system = await rejection(anthropic().messages.create({ ...openaiShaped, max_tokens: 5 } as never));
    expect((system.error as { error: { message: string } }).error.message).toMatch(/^messages: Unexpected role "system"\. The Messages API accepts a top-level `system` parameter/);
    const extra = await rejection(anthropic().messages.create({ model: 'claude-3-5-haiku', max_tokens: 5, messages, max_completion_tokens: 5 } as never));
    expect((extra.error as { error: { message: string } }).error.message).toBe('max_completion_tokens: Extra inputs are not permitted');
  });

  it('a prompt over the 200,000-token window: "prompt is too long"', async () => {
    // Over this server's 64 KiB limit: a server with the default limit.
    const plan = planYaml(YAML);
    const roomy = await startMockServer(new MockService(plan.targets, () => createMocks(plan), () => performance.now(), { defaultScale: 100 }), { port: 0 });
    try {
      const client = new Anthropic({ apiKey: 'sk-ant-not-used', baseURL: `${roomy.url}/t/a`, maxRetries: 0, timeout: 10_000 });
      const e = await rejection(client.messages.create({ model: 'claude-3-5-haiku', max_tokens: 5, system: 'x'.repeat(4 * 1000), messages: [{ role: 'user', content: 'x'.repeat(4 * 199_001) }] }));
      expect(e).toBeInstanceOf(Anthropic.BadRequestError);
      expect((e.error as { error: unknown }).error).toEqual({ type: 'invalid_request_error', message: 'prompt is too long: 200001 tokens > 200000 maximum' });
    } finally {
      await roomy.close();
    }
  });
});

describe('malformed bodies and paths (raw fetch)', () => {
  it('not JSON, or JSON that is not an object: 400 in each dialect', async () => {
    const parse = /^We could not parse the JSON body of your request\. \(HINT: This likely means you aren't using your HTTP library correctly\./;
    for (const body of ['{"model":', '[1,2,3]', 'null', '"x"', '42', '']) {
      const o = await post('/t/o/v1/chat/completions', body);
      expect(o.status, body).toBe(400);
      expect(o.headers.get('x-request-id')).toMatch(/^req_/);
      const oj = (await o.json()) as { error: { message: string; type: string; param: null; code: null } };
      expect([oj.error.type, oj.error.param, oj.error.code], body).toEqual(['invalid_request_error', null, null]);
      expect(oj.error.message, body).toMatch(parse);
      const a = await post('/t/a/v1/messages', body);
      expect(a.status, body).toBe(400);
      const aj = (await a.json()) as { type: string; error: { type: string; message: string }; request_id: string };
      expect([aj.type, aj.error.type, aj.request_id === a.headers.get('request-id')], body).toEqual(['error', 'invalid_request_error', true]);
      expect(aj.error.message, body).toMatch(/^(The request body is not valid JSON: |Input should be a valid dictionary or object to extract fields from$)/);
    }
  });

  it("a path of the other dialect is the provider's 404, not an answer in the wrong shape", async () => {
    const o = await post('/t/o/v1/messages', JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }));
    expect(o.status).toBe(404);
    expect(await o.json()).toEqual({ error: { message: 'Invalid URL (POST /v1/messages)', type: 'invalid_request_error', param: null, code: null } });
    const a = await post('/t/a/v1/chat/completions', JSON.stringify({ model: 'claude-3-5-haiku', messages: [{ role: 'user', content: 'hi' }] }));
    expect(a.status).toBe(404);
    expect(((await a.json()) as { error: unknown }).error).toEqual({ type: 'not_found_error', message: 'Not Found' });
  });
});

describe('body size limit', () => {
  const okBody = (pad: number) => JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 5, messages: [{ role: 'user', content: 'x'.repeat(pad) }] });

  it('a declared body over the limit gets a 413 in the dialect; one just under it is served', async () => {
    const under = okBody(LIMIT - 200);
    expect(Buffer.byteLength(under)).toBeLessThanOrEqual(LIMIT);
    expect((await post('/t/o/v1/chat/completions', under)).status).toBe(200);
    const o = await post('/t/o/v1/chat/completions', okBody(LIMIT));
    expect(o.status).toBe(413);
    expect(await o.json()).toEqual({ error: { message: `Request body too large: the limit is ${LIMIT} bytes. Reduce the size of the messages.`, type: 'invalid_request_error', param: null, code: 'request_too_large' } });
    const a = await post('/t/a/v1/messages', okBody(LIMIT));
    expect(a.status).toBe(413);
    expect(((await a.json()) as { error: unknown }).error).toEqual({ type: 'request_too_large', message: `Request exceeds the maximum allowed number of bytes (${LIMIT}).` });
  });

  it('a chunked upload that never ends is answered 413 while it is still being sent (the rest is not kept)', async () => {
    let sent = 0;
    const chunk = new Uint8Array(16 * 1024).fill(0x20);
    const ctl = new AbortController();
    // Each pull yields first: a stream that enqueues synchronously forever would starve the event loop.
    const endless = new ReadableStream<Uint8Array>({
      async pull(c) {
        await new Promise((r) => setImmediate(r));
        sent += chunk.length;
        c.enqueue(chunk);
      },
    });
    const res = await fetch(`${server.url}/t/o/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: endless, duplex: 'half', signal: ctl.signal } as RequestInit);
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('request_too_large');
    // The answer came while the body was still streaming: the upload had not ended (it never does).
    expect(sent).toBeGreaterThan(LIMIT);
    ctl.abort();
    // The server still serves.
    expect((await post('/t/o/v1/chat/completions', okBody(10))).status).toBe(200);
  });
});

describe('binding', () => {
  it('refuses a non-loopback host unless allowRemote (exit 2, before listening)', async () => {
    const plan = planYaml(YAML);
    const svc = new MockService(plan.targets, () => createMocks(plan), () => performance.now());
    const e = await startMockServer(svc, { host: '0.0.0.0', port: 0 }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(HarnessError);
    expect((e as HarnessError).exitCode).toBe(2);
    expect((e as HarnessError).message).toBe('--host 0.0.0.0 is not a loopback address: the mock server would answer requests from other machines');
  });

  it('routebench mock-server --host 0.0.0.0 exits 2 and names --allow-remote', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-gate-'));
    try {
      const file = path.join(dir, 'gate.yaml');
      writeFileSync(file, YAML);
      const io = memoryIo();
      expect(await runCli(['mock-server', '--scenario', file, '--host', '0.0.0.0', '--port', '0'], io)).toBe(2);
      expect(io.stderr).toContain('--host 0.0.0.0 is not a loopback address');
      expect(io.stderr).toContain('--allow-remote');
      const io2 = memoryIo();
      expect(await runCli(['mock-server', '--scenario', file, '--max-body-mb', '0'], io2)).toBe(2);
      expect(io2.stderr).toContain('--max-body-mb must be greater than 0');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
