/**
 * What goes on the wire for a target that mocks models of its own (`mock.models`): the body always
 * names the target's model; the routebench marker names the model the request asked for only when
 * a mock answers (mock server, msw, an external gateway's mock upstreams), never to a live API.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpTransport } from '../../src/transport/http-transport.js';
import type { Transport } from '../../src/transport/transport.js';
import type { TrafficRequest } from '../../src/traffic/traffic-request.js';
import { planYaml } from '../helpers/mock-servers.js';

const plan = planYaml(`name: wire
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 1 } }
targets:
  up: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, models: { fast: { ttft_ms: { p50: 1, p99: 1 } } } } }
  plain: { provider: openai, model: gpt-4o, mock: { profile: perfect } }
strategies: { s: { use: single, options: { target: up } } }
`);

const seen: { headers: http.IncomingHttpHeaders; body: { model: string; messages: { content: string }[] } }[] = [];
let server: http.Server;
let url = '';
beforeAll(async () => {
  server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      seen.push({ headers: req.headers, body: JSON.parse(text) });
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"x","type":"server_error"}}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const request: TrafficRequest = { index: 7, arrivalMs: 0, route: 'fast', inputTokens: 50, cachedTokens: 0, outputTokens: 5, stream: false, tags: {} };

async function send(name: Transport['name'], targetId: string) {
  const t = httpTransport({ name, baseUrl: () => url, realNow: () => performance.now(), timeScale: 1 });
  try {
    const target = plan.targets.find((x) => x.id === targetId)!;
    await t.send({ target, request, attemptOnTarget: 0, runKey: 'k', timeoutMs: 10_000 }, new AbortController().signal);
  } finally {
    await t.close();
  }
  return seen.at(-1)!;
}

describe('the asked model on the wire', () => {
  it('a mock is told the model asked for (marker text and header); the body keeps the target model', async () => {
    for (const name of ['mock-server', 'msw', 'gateway'] as const) {
      const got = await send(name, 'up');
      expect(got.body.model).toBe('gpt-4o-mini');
      expect(got.headers['x-routebench-model']).toBe('fast');
      expect(got.body.messages[0]!.content).toMatch(/^⟦rb r=7 a=0 run=k in=50 c=0 out=5 m=fast⟧/u);
    }
  });

  it('a live API gets the body and headers it got before; a target without mock.models too', async () => {
    for (const [name, id, model] of [['live', 'up', 'gpt-4o-mini'], ['mock-server', 'plain', 'gpt-4o']] as const) {
      const got = await send(name, id);
      expect(got.body.model).toBe(model);
      expect(got.headers['x-routebench-model']).toBeUndefined();
      expect(got.body.messages[0]!.content).toMatch(/^⟦rb r=7 a=0 run=k in=50 c=0 out=5⟧/u);
    }
  });
});
