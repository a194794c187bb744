/**
 * `serve` running a Portkey config whose target sets `override_params.max_tokens`: Portkey spreads
 * override_params over the request body, so the upstream is asked for at most the cap. serve writes
 * the cap into the forwarded body (the body's own max_tokens / max_completion_tokens keys, or the
 * dialect's when it has none; Portkey replaces the client's value) and into the marker a routebench
 * mock generates from (the smaller of the client's count and the cap), so a mock answers with the
 * count simulate bills. Without a cap the client's bytes go out as sent.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../src/providers/dialects/index.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { startServe, type ServeHandle } from '../../src/serve/start-serve.js';

const FAST = 'ttft_ms: { p50: 5, p99: 5 }, tokens_per_s: { p50: 5000, p99: 5000 }';
const config = (provider: string, model: string, cap?: number) => JSON.stringify({ provider, override_params: cap === undefined ? { model } : { model, max_tokens: cap } });

const mockYaml = `name: serve-override-cap
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 1 } }
targets:
  o: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, ${FAST} } }
  a: { provider: anthropic, model: claude-3-5-haiku, mock: { profile: perfect, ${FAST} } }
strategies:
  capped: { use: portkey, options: { config: ${config('openai', 'gpt-4o-mini', 50)} } }
  capped-a: { use: portkey, options: { config: ${config('anthropic', 'claude-3-5-haiku', 40)} } }
  plain: { use: portkey, options: { config: ${config('openai', 'gpt-4o-mini')} } }
`;

const served: ServeHandle[] = [];
const serveOf = async (yaml: string, strategy: string, extra: Record<string, unknown> = {}) => {
  const s = await startServe({ loaded: parseScenario(yaml, 'test/serve/override-cap.yaml'), strategy, port: 0, realNow: () => performance.now(), env: {}, ...extra });
  served.push(s);
  return s;
};
afterAll(async () => {
  for (const s of served) await s.close();
});

describe('serve with Portkey override_params.max_tokens, against the mock', () => {
  it('a capped target generates the cap; an uncapped one what the client asked for', async () => {
    const ask = async (strategy: string) => {
      const s = await serveOf(mockYaml, strategy);
      const client = new OpenAI({ apiKey: 'sk-not-used', baseURL: `${s.url}/v1`, maxRetries: 0, timeout: 10_000 });
      const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }], max_completion_tokens: 500 });
      return r.usage?.completion_tokens;
    };
    expect(await ask('capped')).toBe(50);
    expect(await ask('plain')).toBe(500);
  });

  it('the Anthropic dialect too', async () => {
    const s = await serveOf(mockYaml, 'capped-a');
    const client = new Anthropic({ apiKey: 'sk-not-used', baseURL: s.url, maxRetries: 0, timeout: 10_000 });
    const r = await client.messages.create({ model: 'claude-3-5-haiku', max_tokens: 300, messages: [{ role: 'user', content: 'hello' }] });
    expect(r.usage.output_tokens).toBe(40);
  });
});

describe('serve with Portkey override_params.max_tokens, to a live upstream', () => {
  const seen: Record<string, unknown>[] = [];
  let api: http.Server;
  let url = '';
  beforeAll(async () => {
    const reply = dialects.openai.encodeResponse({ id: 'chatcmpl-live', model: 'gpt-4o-mini', inputTokens: 5, cachedTokens: 0, outputTokens: 3, ttftMs: 0, tokensPerMs: 1, finishReason: 'stop' });
    api = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
        res.writeHead(reply.status, reply.headers);
        res.end(reply.body);
      });
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', () => resolve()));
    url = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => (api.closeAllConnections(), api.close(() => resolve()))));

  const liveYaml = () => `name: serve-override-cap-live
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 1 } }
targets:
  o: { provider: openai, model: gpt-4o-mini, live: { base_url: "${url}", api_key_env: CAP_TEST_KEY } }
strategies:
  capped: { use: portkey, options: { config: ${config('openai', 'gpt-4o-mini', 50)} } }
  plain: { use: portkey, options: { config: ${config('openai', 'gpt-4o-mini')} } }
`;
  const send = async (strategy: string, body: Record<string, unknown>) => {
    const s = await serveOf(liveYaml(), strategy, { transport: 'live', env: { CAP_TEST_KEY: 'sk-test' } });
    const res = await fetch(`${s.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    return seen.at(-1)!;
  };
  const messages = [{ role: 'user', content: 'hi' }];

  it('the body keeps its own key, with the cap', async () => {
    expect(await send('capped', { model: 'gpt-4o-mini', messages, max_tokens: 500, temperature: 0 })).toEqual({ model: 'gpt-4o-mini', messages, max_tokens: 50, temperature: 0 });
    expect(await send('capped', { model: 'gpt-4o-mini', messages, max_completion_tokens: 500 })).toEqual({ model: 'gpt-4o-mini', messages, max_completion_tokens: 50 });
  });

  it("a body with no limit gets the dialect's key", async () => {
    expect(await send('capped', { model: 'gpt-4o-mini', messages })).toEqual({ model: 'gpt-4o-mini', messages, max_completion_tokens: 50 });
  });

  it("the cap replaces a client's smaller limit too, as Portkey's override does", async () => {
    expect(await send('capped', { model: 'gpt-4o-mini', messages, max_tokens: 20 })).toEqual({ model: 'gpt-4o-mini', messages, max_tokens: 50 });
  });

  it('without a cap the body goes out as the client sent it', async () => {
    expect(await send('plain', { model: 'gpt-4o-mini', messages, max_tokens: 500 })).toEqual({ model: 'gpt-4o-mini', messages, max_tokens: 500 });
  });
});
