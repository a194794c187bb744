/**
 * `serve --transport live`: each target's `live:` block is the upstream (here a hand-written
 * loopback server standing in for the API), its key comes from the environment variable the
 * scenario names and goes out as the dialect's auth header, `live.model` replaces the model in the
 * body; a missing key is an environment error (exit 4) naming the variable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../src/providers/dialects/index.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { startServe, type ServeHandle } from '../../src/serve/start-serve.js';
import { ExitCode } from '../../src/errors.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const KEY = 'sk-live-test-0123456789';
/** What the stand-in API received: headers and parsed body of each request. */
const seen: { url: string; headers: http.IncomingHttpHeaders; body: { model?: string } }[] = [];
let api: { url: string; close(): Promise<void> };
let serve: ServeHandle;

const yaml = (url: string) => `name: serve-live
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 1 } }
targets:
  o: { provider: openai, model: gpt-4o-mini, live: { base_url: "${url}", api_key_env: SERVE_TEST_KEY, model: gpt-4o-mini-2024-07-18 } }
  a: { provider: anthropic, model: claude-3-5-haiku, live: { base_url: "${url}", api_key_env: SERVE_TEST_KEY } }
strategies:
  fb: { use: fallback, options: { targets: [o, a] } }
`;

beforeAll(async () => {
  const reply = dialects.openai.encodeResponse({ id: 'chatcmpl-live', model: 'gpt-4o-mini-2024-07-18', inputTokens: 5, cachedTokens: 0, outputTokens: 3, ttftMs: 0, tokensPerMs: 1, finishReason: 'stop' });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model?: string } });
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  api = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
  serve = await startServe({ loaded: parseScenario(yaml(api.url), 'test/serve/live.yaml'), strategy: 'fb', port: 0, transport: 'live', realNow: () => performance.now(), env: { SERVE_TEST_KEY: KEY } });
});
afterAll(async () => {
  await serve?.close();
  await api?.close();
});

describe('serve --transport live', () => {
  it('sends the key from the environment and the live model, and relays the answer', async () => {
    const res = await fetch(`${serve.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer client-key' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }) });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-routebench-target')).toBe('o');
    expect(((await res.json()) as { id: string }).id).toBe('chatcmpl-live');
    const got = seen.at(-1)!;
    expect(got.url).toBe('/v1/chat/completions');
    expect(got.headers.authorization).toBe(`Bearer ${KEY}`); // the target's key, never the client's
    expect(got.headers['x-routebench-attempt']).toBe('0');
    expect(got.body.model).toBe('gpt-4o-mini-2024-07-18');
  });

  it('a missing key variable is an environment error naming it', async () => {
    const e = await startServe({ loaded: parseScenario(yaml(api.url), 'test/serve/live.yaml'), strategy: 'fb', port: 0, transport: 'live', realNow: () => performance.now(), env: {} }).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toMatchObject({ code: 'KEY_MISSING', exitCode: ExitCode.environment });
    expect((e as Error).message).toMatch(/SERVE_TEST_KEY/);
  });
});
