/**
 * serve in front of a mock target with models of its own (`mock.models`): the body it forwards
 * names the target's model, and the mock still draws from the model the client asked for (serve
 * tells it in the x-routebench-model header). Here the target's own behaviour never fails and its
 * model `flaky` always does: a mock that drew from the target's behaviour would answer both.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markerHeaders } from '../../src/providers/request-marker.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { startServe, type ServeHandle } from '../../src/serve/start-serve.js';
import { within } from '../helpers/mock-servers.js';

const FAST = 'ttft_ms: { p50: 5, p99: 5 }, error_latency_ms: { p50: 5, p99: 5 }, tokens_per_s: { p50: 2000, p99: 2000 }';
const YAML = `name: serve-per-model
seed: 5
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 1 } }
targets:
  up: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, ${FAST}, models: { flaky: { errors: { server_error: 1 } } } } }
strategies:
  s: { use: single, options: { target: up } }
defaults: { max_attempts: 1 }
`;

let serve: ServeHandle;
beforeAll(async () => {
  serve = await startServe({ loaded: parseScenario(YAML, 'test/serve/per-model.yaml'), strategy: 's', port: 0, realNow: () => performance.now(), env: {} });
});
afterAll(async () => {
  await serve?.close();
});

const client = () => new OpenAI({ apiKey: 'sk-not-used', baseURL: `${serve.url}/v1`, maxRetries: 0, timeout: 5000 });
const ask = (model: string, headers?: Record<string, string>) =>
  within(
    client()
      .chat.completions.create({ model, messages: [{ role: 'user', content: 'hello' }], max_completion_tokens: 5 }, { headers })
      .then(() => 200, (e: unknown) => (e as InstanceType<typeof OpenAI.APIError>).status),
    10_000,
    model,
  );

describe('serve to a mock with mock.models', () => {
  it('each request draws from the model the client asked for', async () => {
    const got: [string, number | undefined][] = [];
    for (const model of ['flaky', 'gpt-4o-mini', 'other', 'flaky']) got.push([model, await ask(model)]);
    expect(got).toEqual([
      ['flaky', 500],
      ['gpt-4o-mini', 200],
      ['other', 200],
      ['flaky', 500],
    ]);
  });

  it("a routebench marker's model is the route (a replay through serve as an external gateway), whatever the body names", async () => {
    const mark = (request: number, model: string) => markerHeaders({ request, attempt: 0, run: 'marked', inputTokens: 20, cachedTokens: 0, outputTokens: 5, model });
    expect([await ask('gpt-4o-mini', mark(1, 'flaky')), await ask('flaky', mark(2, 'gpt-4o-mini'))]).toEqual([500, 200]);
  });
});
