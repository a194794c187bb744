/**
 * serve's own answers and the failures without an HTTP answer to relay: an upstream that hangs past
 * the attempt timeout gets a 504 in the endpoint's dialect; a reset upstream resets the client
 * (the SDK sees the same connection error it would from the provider); a client that hangs up
 * cancels its attempts upstream; bad bodies and unknown routes get clear 4xx answers; the mock's
 * control endpoints are forwarded.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeHandle } from '../../src/serve/start-serve.js';
import { waitFor, within } from '../helpers/mock-servers.js';
import { startTestServe } from './serve-scenario.js';

let hang: ServeHandle;
let reset: ServeHandle;
let slow: ServeHandle;
beforeAll(async () => {
  [hang, reset, slow] = await Promise.all([startTestServe('hang'), startTestServe('reset'), startTestServe('slow')]);
});
afterAll(async () => {
  await Promise.all([hang?.close(), reset?.close(), slow?.close()]);
});

const client = (h: ServeHandle) => new OpenAI({ apiKey: 'sk-not-used', baseURL: `${h.url}/v1`, maxRetries: 0, timeout: 5000 });
const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hello' }], max_completion_tokens: 8 };
const failure = (p: Promise<unknown>) => within(p, 10_000, 'call').then(() => undefined, (e: unknown) => e);

describe('serve edge cases', () => {
  it('an upstream that never answers is cut at the attempt timeout: 504 in the OpenAI shape, naming the target', async () => {
    const t0 = performance.now();
    const e = await failure(client(hang).chat.completions.create(chat));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    expect(e).toBeInstanceOf(OpenAI.InternalServerError);
    expect(e).toMatchObject({ status: 504, type: 'timeout' });
    expect((e as Error).message).toMatch(/o_hang did not answer in time/);
    expect((e as InstanceType<typeof OpenAI.APIError>).headers!.get('x-routebench-target')).toBe('o_hang');
  });

  it('an upstream reset resets the client: the SDK raises its connection error', async () => {
    const e = await failure(client(reset).chat.completions.create(chat));
    expect(e).toBeInstanceOf(OpenAI.APIConnectionError);
  });

  it('a client that hangs up cancels its attempt upstream', async () => {
    const abort = new AbortController();
    const call = client(slow).chat.completions.create(chat, { signal: abort.signal });
    const hit = await waitFor(() => slow.mock!.hits.since(0).find((h) => h.target === 'o_slow'), 5000, 'the attempt to reach the mock');
    abort.abort();
    await failure(call);
    await waitFor(() => hit.endedAt, 2000, 'the upstream call to end');
    expect(hit.abandoned).toBe(true); // hung up on before the mock's answer (due after 400 ms) was over
    await waitFor(() => (slow.inFlight() === 0 ? true : undefined), 2000, 'nothing in flight');
  });

  it('answers bad bodies, wrong methods and unknown routes itself', async () => {
    const post = (path: string, body: string) => fetch(`${hang.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    let r = await post('/v1/chat/completions', '{not json');
    expect([r.status, ((await r.json()) as { error: { type: string } }).error.type]).toEqual([400, 'invalid_request_error']);
    r = await post('/v1/messages', '[1,2]');
    expect([r.status, ((await r.json()) as { type: string }).type]).toEqual([400, 'error']);
    r = await fetch(`${hang.url}/v1/chat/completions`);
    expect(r.status).toBe(405);
    await r.body?.cancel();
    r = await post('/v1/embeddings', '{}');
    expect(r.status).toBe(404);
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/has no route POST \/v1\/embeddings/);
    r = await fetch(`${hang.url}/_routebench/health`);
    expect(await r.json()).toEqual({ ok: true });
  });

  it("forwards the mock's control endpoints: a replay through serve starts its run and reads the hit log there", async () => {
    const start = await fetch(`${slow.url}/_routebench/runs/ctl?scale=1`, { method: 'POST' });
    expect([start.status, await start.json()]).toEqual([200, { ok: true, targets: slow.mock!.targetIds() }]);
    expect(slow.mock!.hits.since(0, 'ctl')).toEqual([]);
    const marker = { 'x-routebench-request': '5', 'x-routebench-attempt': '0', 'x-routebench-run': 'ctl', 'x-routebench-tokens': '10,0,2' };
    await client(slow).chat.completions.create(chat, { headers: marker });
    const hits = (await (await fetch(`${slow.url}/_routebench/hits?run=ctl`)).json()) as { target: string; request: number }[];
    expect(hits.map((h) => [h.target, h.request])).toEqual([['o_slow', 5]]);
  });
});
