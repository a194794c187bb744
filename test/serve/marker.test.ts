/**
 * The routebench marker through serve: a client's marker keeps its request index, run key and
 * token counts; each upstream attempt carries its own attempt-on-target number, so the mocks draw
 * exactly the luck a direct replay of the same scenario draws (common random numbers). Unmarked
 * requests are numbered by serve under its own run key, with tokens estimated from the body.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMocks } from '../../src/engine/plan-scenario.js';
import { newDraw } from '../../src/providers/mock/mock-model.js';
import { markerHeaders } from '../../src/providers/request-marker.js';
import { parseTags, readIncoming } from '../../src/serve/incoming.js';
import { estimatePromptTokens } from '../../src/providers/prompt-size.js';
import type { ServeHandle } from '../../src/serve/start-serve.js';
import { planYaml, within } from '../helpers/mock-servers.js';
import { SERVE_YAML, startTestServe } from './serve-scenario.js';

let flaky: ServeHandle;
let retry: ServeHandle;
beforeAll(async () => {
  [flaky, retry] = await Promise.all([startTestServe('flaky'), startTestServe('retry')]);
});
afterAll(async () => {
  await Promise.all([flaky?.close(), retry?.close()]);
});

const client = (h: ServeHandle) => new OpenAI({ apiKey: 'sk-not-used', baseURL: `${h.url}/v1`, maxRetries: 0, timeout: 5000 });
const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hello' }], max_completion_tokens: 12 };
const mark = (request: number, run: string, input = 300, cached = 100, output = 9) => markerHeaders({ request, attempt: 0, run, inputTokens: input, cachedTokens: cached, outputTokens: output });
const hitsOf = (h: ServeHandle, run: string) => h.mock!.hits.since(0, run).map((x) => [x.request, x.target, x.attempt, x.status]);

describe('markers through serve', () => {
  it('keeps the request index, run key and tokens; the mock draws the same luck as for a direct call', async () => {
    const plan = planYaml(SERVE_YAML);
    const mockFlaky = createMocks(plan)[plan.targets.find((t) => t.id === 'o_flaky')!.index]!;
    const d = newDraw();
    const expected: unknown[] = [];
    for (let request = 100; request < 130; request++) {
      const r = await within(client(flaky).chat.completions.create(chat, { headers: mark(request, 'crn') }).withResponse(), 10_000, 'chat');
      expect(r.data.usage).toMatchObject({ prompt_tokens: 300, completion_tokens: 9, prompt_tokens_details: { cached_tokens: 100 } });
      mockFlaky.draw({ index: request, arrivalMs: 0, route: '', inputTokens: 300, cachedTokens: 100, outputTokens: 9, stream: false, tags: {} }, 0, 0, 0, d);
      if (d.kind < 0) expected.push([request, 'o_flaky', 0, 200]);
      else expected.push([request, 'o_flaky', 0, d.status], [request, 'o_good', 0, 200]);
      expect(r.response.headers.get('x-routebench-attempts')).toBe(d.kind < 0 ? '1' : '2');
    }
    expect(hitsOf(flaky, 'crn')).toEqual(expected);
    expect(expected.length).toBeGreaterThan(32); // some requests did fail over
  });

  it('numbers each attempt on its target: a retry sends attempts 0, 1, 2 to the same target', async () => {
    const e = await client(retry)
      .chat.completions.create(chat, { headers: mark(42, 'retries') })
      .then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(OpenAI.InternalServerError);
    expect((e as InstanceType<typeof OpenAI.APIError>).headers!.get('x-routebench-attempts')).toBe('3');
    expect(hitsOf(retry, 'retries')).toEqual([
      [42, 'o_bad', 0, 500],
      [42, 'o_bad', 1, 500],
      [42, 'o_bad', 2, 500],
    ]);
  });

  it('numbers unmarked requests itself, under run "serve", with tokens estimated from the body', async () => {
    const before = flaky.mock!.hits.since(0, 'serve').length;
    await client(flaky).chat.completions.create({ ...chat, messages: [{ role: 'user', content: 'x'.repeat(400) }] });
    await client(flaky).chat.completions.create(chat);
    const mine = flaky.mock!.hits.since(0, 'serve').slice(before);
    expect(new Set(mine.map((h) => h.request)).size).toBe(2);
    expect(mine[0]).toMatchObject({ tokensIn: 100, tokensOut: 12 });
  });
});

describe('reading a client request', () => {
  it('estimates tokens, takes max tokens, the stream flag and tags', () => {
    const f = readIncoming({ 'x-routebench-tags': 'project=web, team = growth,bad,=x' }, { model: 'm', stream: true, max_tokens: 77, system: 'abcd', messages: [{ role: 'user', content: [{ type: 'text', text: 'efgh' }] }] });
    expect(f).toMatchObject({ index: undefined, runKey: undefined, route: 'm', inputTokens: 2, cachedTokens: 0, outputTokens: 77, stream: true, tags: { project: 'web', team: 'growth' } });
    expect(readIncoming({}, { messages: [] })).toMatchObject({ outputTokens: 16, stream: false, tags: {} });
    expect(parseTags('a=1,b=')).toEqual({ a: '1', b: '' });
    expect(estimatePromptTokens({ messages: [{ content: 'x'.repeat(9) }] })).toBe(3);
  });

  it('prefers the marker (headers, then the first user message) over estimates', () => {
    const f = readIncoming({}, { max_tokens: 5, messages: [{ role: 'user', content: '⟦rb r=7 a=0 run=rk in=10 c=2 out=3⟧ hi' }] });
    expect(f).toMatchObject({ index: 7, runKey: 'rk', inputTokens: 10, cachedTokens: 2, outputTokens: 3 });
  });
});
