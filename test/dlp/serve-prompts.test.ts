/**
 * `routebench serve` with a `dlp` strategy on `prompts: trace`: each live call's own prompt is
 * scanned as `record` would scan it, and the scenario policy's actions decide: a planted key is
 * refused before any upstream call, an email (flag) and a card (redact) are routed on, a plain
 * prompt passes. The serve scenario's traffic is synthetic; serve does not read it.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { startServe, type ServeHandle } from '../../src/serve/start-serve.js';

const YAML = `name: serve-dlp
seed: 3
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 1 } }
targets:
  good: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, ttft_ms: { p50: 5, p99: 5 }, tokens_per_s: { p50: 2000, p99: 2000 } } }
strategies:
  guarded: { use: dlp, options: { inner: good, prompts: trace, policy: { detectors: { email: flag } } } }
`;

let serve: ServeHandle;
beforeAll(async () => {
  serve = await startServe({ loaded: parseScenario(YAML, 'test/dlp/serve-dlp.yaml'), strategy: 'guarded', port: 0, realNow: () => performance.now(), env: {} });
});
afterAll(async () => {
  await serve?.close();
});

const ask = async (content: string) => {
  const client = new OpenAI({ apiKey: 'sk-not-used', baseURL: `${serve.url}/v1`, maxRetries: 0, timeout: 5000 });
  try {
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], max_completion_tokens: 5 }).withResponse();
    return { status: r.response.status, reason: r.response.headers.get('x-routebench-reason') ?? '' };
  } catch (e) {
    const err = e as { status?: number; headers?: Headers; constructor: { name: string } };
    return { status: err.status ?? 0, reason: err.headers?.get('x-routebench-reason') ?? String(e), error: err.constructor.name };
  }
};

describe('serve: dlp prompts: trace on live calls', () => {
  it('blocks a prompt with a key before any upstream call; routes flagged, redacted and clean prompts', async () => {
    const hitsBefore = serve.mock!.hits.since(0).length;
    const key = await ask(`deploy with sk-proj-${'Zq8'.repeat(16)}`);
    expect(key.reason).toMatch(/^dlp block; found=api_key; from=trace/);
    // serve's own answer when no upstream was called: a refusal the SDK does not retry (a 503 it would)
    expect([key.status, (key as { error?: string }).error]).toEqual([422, 'UnprocessableEntityError']);
    expect(serve.mock!.hits.since(0).length).toBe(hitsBefore);
    const mail = await ask('write to ana.lima@example.com');
    expect([mail.status, mail.reason]).toEqual([200, expect.stringMatching(/^dlp flag; found=email; from=trace/)]);
    const card = await ask('card 4111 1111 1111 1111 on file');
    expect([card.status, card.reason]).toEqual([200, expect.stringMatching(/^dlp redact; found=payment_card; from=trace/)]);
    const plain = await ask('hello');
    expect([plain.status, plain.reason]).toEqual([200, expect.stringMatching(/^dlp pass; found=; from=trace/)]);
  });
});
