/**
 * The mock service over the wire: the loopback server's routes and control endpoints, the same
 * bytes through the msw handler as through node:http, and a client going away freeing its slot.
 */
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMocks } from '../../../src/engine/plan-scenario.js';
import { MockService } from '../../../src/providers/mock/mock-service.js';
import { mockHandlers } from '../../../src/providers/mock/msw-handlers.js';
import { markerHeaders, type MarkerFields } from '../../../src/providers/request-marker.js';
import type { Hit } from '../../../src/providers/mock/hit-log.js';
import { findRequest, planYaml, serveScenario, trafficRequest, waitFor, within, type ScenarioServer } from '../../helpers/mock-servers.js';

const YAML = `name: http
seed: 17
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 1 } }
targets:
  o: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }
  a: { provider: anthropic, model: claude-3-5-haiku, mock: { profile: perfect } }
  o_429: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, errors: { rate_limited: 1 }, retry_after_ms: { min: 3000, max: 3000 }, retry_after_share: 1 } }
  a_502: { provider: anthropic, model: claude-3-5-haiku, mock: { profile: perfect, errors: { bad_gateway: 1 } } }
  a_cut: { provider: anthropic, model: claude-3-5-haiku, mock: { profile: perfect, errors: { truncated: 1 } } }
  o_busy: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, max_in_flight: 1, errors: { timeout: 1 } } }
strategies: { s: { use: single, options: { target: o } } }
`;

let mock: ScenarioServer;
beforeAll(async () => {
  mock = await serveScenario(YAML, { scale: 50 });
});
afterAll(async () => {
  await mock?.close();
});

const marker = (o: Partial<MarkerFields> = {}): MarkerFields => ({ request: 0, attempt: 0, run: 'h1', inputTokens: 300, cachedTokens: 100, outputTokens: 12, ...o });
const path = (target: string) => `/t/${target}/v1/${target.startsWith('a') ? 'messages' : 'chat/completions'}`;
const post = (base: string, target: string, m: MarkerFields | undefined, o: { stream?: boolean; signal?: AbortSignal; body?: string } = {}) =>
  fetch(`${base}${path(target)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(m ? markerHeaders(m) : {}) },
    body: o.body ?? JSON.stringify({ model: 'm', max_tokens: 12, stream: o.stream ?? false, messages: [{ role: 'user', content: 'hello' }] }),
    signal: o.signal,
  });

describe('routebench mock server routes', () => {
  it('health, 404 for unknown routes and targets (as JSON), 400 for a body that is not JSON', async () => {
    expect(await (await fetch(`${mock.url}/_routebench/health`)).json()).toEqual({ ok: true });
    const routes: [string, RequestInit, number, RegExp][] = [
      ['/v1/chat/completions', { method: 'POST', body: '{}' }, 404, /no route POST \/v1\/chat\/completions/],
      ['/t/o/v1/chat/completions', { method: 'GET' }, 404, /no route GET/],
      ['/t/o/v1/embeddings', { method: 'POST', body: '{}' }, 404, /no route POST/],
      ['/t/zz/v1/messages', { method: 'POST', body: '{}' }, 404, /unknown target "zz"/],
      ['/t/o/v1/chat/completions', { method: 'POST', body: '{"model":' }, 400, /^We could not parse the JSON body of your request/],
    ];
    for (const [route, init, status, message] of routes) {
      const res = await fetch(`${mock.url}${route}`, init);
      expect(res.status, route).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(((await res.json()) as { error: { message: string } }).error.message, route).toMatch(message);
    }
  });

  it('POST /_routebench/runs/<run>?scale= starts a run on its own time scale; hits filter by ?since= and ?run=', async () => {
    expect((await fetch(`${mock.url}/_routebench/runs/slow.run-1?scale=2`, { method: 'POST' })).status).toBe(200);
    for (const bad of ['-5', '0', 'abc', '1e400']) expect((await fetch(`${mock.url}/_routebench/runs/bad?scale=${bad}`, { method: 'POST' })).status).toBe(400);
    const slow = await post(mock.url, 'o', marker({ run: 'slow.run-1' }));
    const fast = await post(mock.url, 'o', marker({ run: 'fast-run' }));
    // perfect: 100 ms TTFT + 12 tokens at 100 tok/s = 220 ms of scenario time, sent as openai-processing-ms (real ms)
    expect(slow.headers.get('openai-processing-ms')).toBe('110');
    expect(fast.headers.get('openai-processing-ms')).toBe('4');
    await Promise.all([slow.text(), fast.text()]);
    const all = (await (await fetch(`${mock.url}/_routebench/hits`)).json()) as Hit[];
    const mine = all.filter((h) => h.run === 'slow.run-1' || h.run === 'fast-run');
    expect(mine.map((h) => [h.run, h.target, h.request, h.status])).toEqual([
      ['slow.run-1', 'o', 0, 200],
      ['fast-run', 'o', 0, 200],
    ]);
    const since = (await (await fetch(`${mock.url}/_routebench/hits?since=${mine[1]!.seq}`)).json()) as Hit[];
    expect(since.map((h) => h.seq)).toEqual([mine[1]!.seq]);
    const byRun = (await (await fetch(`${mock.url}/_routebench/hits?run=slow.run-1`)).json()) as Hit[];
    expect(byRun.map((h) => h.seq)).toEqual([mine[0]!.seq]);
  });

  it('the marker in the first user message works when a gateway drops the x-routebench headers', async () => {
    const text = '⟦rb r=4 a=1 run=bodyrun in=640 c=128 out=9⟧ hello';
    const res = await fetch(`${mock.url}${path('a')}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', max_tokens: 99, messages: [{ role: 'user', content: [{ type: 'text', text }] }] }) });
    expect(((await res.json()) as { usage: unknown }).usage).toMatchObject({ input_tokens: 512, cache_read_input_tokens: 128, output_tokens: 9 });
    expect(mock.service.hits.since(0, 'bodyrun')).toEqual([expect.objectContaining({ request: 4, attempt: 1, target: 'a' })]);
  });

  it('a client that goes away mid-reply frees its in-flight slot', async () => {
    const ctl = new AbortController();
    const stalled = await post(mock.url, 'o_busy', marker({ run: 'busy', request: 0 }), { stream: true, signal: ctl.signal });
    expect(stalled.status).toBe(200);
    const refused = await post(mock.url, 'o_busy', marker({ run: 'busy', request: 1 }));
    expect(refused.status).toBe(503);
    await refused.text();
    ctl.abort();
    await waitFor(() => mock.service.hits.since(0, 'busy')[0]!.endedAt, 2000, 'the stalled reply to end');
    const ctl2 = new AbortController();
    const next = await post(mock.url, 'o_busy', marker({ run: 'busy', request: 2 }), { stream: true, signal: ctl2.signal });
    expect(next.status).toBe(200);
    ctl2.abort();
  });

  it('a caller that hangs up before the reply is over is logged abandoned; one that reads it to the end is not (node:http and msw)', async () => {
    // scale 1: perfect's 100 ms TTFT + 12 tokens at 100 tok/s is a 220 ms reply, plain or streamed
    const hangUps = async (base: string, hits: MockService['hits']) => {
      for (const stream of [false, true]) {
        const ctl = new AbortController();
        const pending = post(base, 'o', marker({ run: 'cut', request: stream ? 1 : 0 }), { stream, signal: ctl.signal }).then((r) => r.text());
        await waitFor(() => (hits.since(0, 'cut').some((h) => h.request === (stream ? 1 : 0)) ? true : undefined), 5000, 'the call to arrive');
        ctl.abort();
        await pending.catch(() => undefined);
      }
      const done = await post(base, 'o', marker({ run: 'cut', request: 2 }));
      expect(done.status).toBe(200);
      await done.text();
      const log = await waitFor(() => {
        const h = hits.since(0, 'cut');
        return h.length === 3 && h.every((x) => x.endedAt !== undefined) ? h : undefined;
      }, 5000, 'every reply to end');
      expect(log.map((h) => [h.request, h.status, h.abandoned ?? false]), base).toEqual([
        [0, 200, true],
        [1, 200, true],
        [2, 200, false],
      ]);
    };
    await fetch(`${mock.url}/_routebench/runs/cut?scale=1`, { method: 'POST' });
    await hangUps(mock.url, mock.service.hits);
    const svc = new MockService(mock.plan.targets, () => createMocks(mock.plan), () => performance.now(), { defaultScale: 1 });
    const msw = setupServer(...mockHandlers(svc));
    msw.listen({ onUnhandledRequest: 'error' });
    try {
      await hangUps('http://mock.routebench.test', svc.hits);
    } finally {
      msw.close();
    }
  });

  it('close() returns promptly with replies still hanging', async () => {
    const other = await serveScenario(YAML, { scale: 50 });
    const hanging = post(other.url, 'o_busy', marker({ run: 'hang' })).then(
      (r) => r.text(),
      (e: unknown) => e,
    );
    await waitFor(() => (other.service.hits.size > 0 ? true : undefined), 2000, 'the hanging request to arrive');
    await within(other.close(), 1000, 'close with a hanging reply');
    expect(await within(hanging, 1000, 'the hanging client')).toBeInstanceOf(Error);
  });
});

describe('msw handler and node:http server give the same bytes', () => {
  /** Status and reason phrase, headers (minus the transport's own) and body of one marked call. */
  async function capture(base: string, target: string, m: MarkerFields, stream = false) {
    const res = await post(base, target, m, { stream });
    const headers = Object.fromEntries([...res.headers.entries()].filter(([k]) => !['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length'].includes(k)));
    return { status: res.status, statusText: res.statusText, headers, body: await res.text() };
  }

  it('for answers, streams, a 429, an HTML 502 and a cut stream', async () => {
    const cut = findRequest(mock.plan, 'a_cut', trafficRequest(0, { inputTokens: 300, cachedTokens: 100, outputTokens: 60, stream: true }), (d) => d.tokensOut > 1);
    const cases: [string, MarkerFields, boolean][] = [
      ['o', marker(), false],
      ['o', marker({ request: 1 }), true],
      ['a', marker({ request: 2 }), true],
      ['o_429', marker({ request: 3 }), false],
      ['a_502', marker({ request: 4 }), false],
      ['a_cut', marker({ request: cut, outputTokens: 60 }), true],
    ];
    const msw = new MockService(mock.plan.targets, () => createMocks(mock.plan), () => performance.now(), { defaultScale: 50 });
    const server = setupServer(...mockHandlers(msw));
    server.listen({ onUnhandledRequest: 'error' });
    const viaMsw = [];
    try {
      for (const [t, m, s] of cases) viaMsw.push(await within(capture('http://mock.routebench.test', t, { ...m, run: 'parity' }, s), 3000, `msw ${t}`));
    } finally {
      server.close();
    }
    const viaHttp = [];
    for (const [t, m, s] of cases) viaHttp.push(await within(capture(mock.url, t, { ...m, run: 'parity' }, s), 3000, `http ${t}`));
    expect(viaMsw).toEqual(viaHttp);
    expect(viaHttp.map((r) => r.status)).toEqual([200, 200, 200, 429, 502, 200]);
    expect(viaMsw.map((r) => r.statusText)).toEqual(['OK', 'OK', 'OK', 'Too Many Requests', 'Bad Gateway', 'OK']);
    expect(viaHttp[3]!.headers).toMatchObject({ 'retry-after-ms': '60', 'retry-after': '1', 'x-routebench-retry-after-ms': '3000' });
    expect(viaHttp[4]!.body).toMatch(/<title>api\.anthropic\.com \| 502: Bad gateway<\/title>/);
    expect(viaHttp[1]!.body.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(viaHttp[2]!.body).toMatch(/event: message_stop\ndata: \{"type":"message_stop"\}\n\n$/);
    expect(viaHttp[5]!.body).toContain('event: content_block_delta');
    expect(viaHttp[5]!.body).not.toContain('message_stop');
  });
});
