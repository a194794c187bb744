/**
 * serve in front of a `routebench mock-server` (--mock-url) that has since stopped: nothing listens
 * at the upstream, so there is no reset to mirror. Each request gets a 502 in its endpoint's
 * dialect naming the target it could not reach; it was answered with a dropped connection and
 * no word of why, as if a provider had reset it.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { startServe } from '../../src/serve/start-serve.js';
import { serveScenario, within } from '../helpers/mock-servers.js';

const YAML = `name: refused
seed: 4
traffic:
  synthetic: { arrival: { process: constant, rate_per_s: 1 }, count: 1 }
targets:
  o: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }
  a: { provider: anthropic, model: claude-3-5-haiku, mock: { profile: perfect } }
strategies:
  both: { use: fallback, options: { targets: [o, a] } }
`;

describe('serve --mock-url whose mock server stopped', () => {
  it('answers 502 in each dialect, naming the target, for plain and streamed requests', async () => {
    const mock = await serveScenario(YAML);
    const serve = await startServe({ loaded: parseScenario(YAML, 'test/refused.yaml'), strategy: 'both', port: 0, mockUrl: mock.url, realNow: () => performance.now(), env: {} });
    try {
      await mock.close();
      const openai = new OpenAI({ apiKey: 'sk-not-used', baseURL: `${serve.url}/v1`, maxRetries: 0, timeout: 5000 });
      const anthropic = new Anthropic({ apiKey: 'not-used', baseURL: serve.url, maxRetries: 0, timeout: 5000 });
      const failure = (p: Promise<unknown>) => within(p, 10_000, 'call').then(() => undefined, (e: unknown) => e);
      const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };
      for (const stream of [false, true]) {
        // A streamed request fails at create(): the 502 comes before any stream.
        const e = await failure(openai.chat.completions.create({ ...chat, stream }));
        expect(e).toBeInstanceOf(OpenAI.APIError);
        expect(e).toMatchObject({ status: 502, type: 'server_error' });
        expect((e as Error).message).toContain('routebench serve: cannot reach the upstream of target o: connection refused');
      }
      const e = await failure(anthropic.messages.create({ model: 'claude-3-5-haiku', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }));
      expect(e).toBeInstanceOf(Anthropic.APIError);
      expect((e as InstanceType<typeof Anthropic.APIError>).status).toBe(502);
      expect((e as Error).message).toContain('cannot reach the upstream of target a: connection refused');
    } finally {
      await serve.close();
    }
  });
});
