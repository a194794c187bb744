/**
 * Streaming through serve: the commit point is the first content token. A stream that fails
 * in-band before its first token fails over invisibly (its bytes never reach the client); one
 * that fails after it is the client's stream, ended as the upstream ended it (no failover
 * mid-stream); a hedged stream commits to the first attempt to produce a token and aborts its rival.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorKindCode } from '../../src/providers/canonical.js';
import { markerHeaders } from '../../src/providers/request-marker.js';
import type { ServeHandle } from '../../src/serve/start-serve.js';
import { findRequest, planYaml, within } from '../helpers/mock-servers.js';
import { SERVE_YAML, startTestServe } from './serve-scenario.js';

let inband: ServeHandle;
let hedge: ServeHandle;
beforeAll(async () => {
  [inband, hedge] = await Promise.all([startTestServe('inband'), startTestServe('hedge')]);
});
afterAll(async () => {
  await Promise.all([inband?.close(), hedge?.close()]);
});

const plan = planYaml(SERVE_YAML);
const shape = { arrivalMs: 0, route: '', inputTokens: 50, cachedTokens: 0, outputTokens: 12, stream: true, tags: {} };
const mark = (request: number, run: string) => markerHeaders({ request, attempt: 0, run, inputTokens: 50, cachedTokens: 0, outputTokens: 12 });
const client = (h: ServeHandle) => new OpenAI({ apiKey: 'sk-not-used', baseURL: `${h.url}/v1`, maxRetries: 0, timeout: 5000 });
const params = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hello' }], max_completion_tokens: 12, stream: true as const };
const inBandAt = (tokens: (n: number) => boolean) => (d: { kind: number; status: number; tokensOut: number }) => d.kind === ErrorKindCode.server_error && d.status === 200 && tokens(d.tokensOut);

describe('streaming commit point', () => {
  it('an in-band error before the first token fails over invisibly: one clean stream from the second target', async () => {
    const request = findRequest(plan, 'o_inband', shape, inBandAt((n) => n === 0));
    const { data: stream, response } = await within(client(inband).chat.completions.create(params, { headers: mark(request, 'pre') }).withResponse(), 10_000, 'stream');
    let text = '';
    let roles = 0;
    for await (const c of stream) {
      text += c.choices[0]?.delta.content ?? '';
      if (c.choices[0]?.delta.role) roles++;
    }
    expect(text.split(' ').length).toBe(12);
    expect(roles).toBe(1); // the failed attempt's role chunk was held back, never relayed
    expect([response.headers.get('x-routebench-target'), response.headers.get('x-routebench-attempts')]).toEqual(['o_good', '2']);
    const hits = inband.mock!.hits.since(0, 'pre').map((h) => [h.target, h.request, h.attempt, h.status]);
    expect(hits).toEqual([
      ['o_inband', request, 0, 200],
      ['o_good', request, 0, 200],
    ]);
  });

  it('an in-band error after the first token is committed: the client gets the error, no failover', async () => {
    const request = findRequest(plan, 'o_inband', shape, inBandAt((n) => n > 0 && n < 12));
    const { data: stream, response } = await within(client(inband).chat.completions.create(params, { headers: mark(request, 'post') }).withResponse(), 10_000, 'stream');
    expect([response.headers.get('x-routebench-target'), response.headers.get('x-routebench-attempts')]).toEqual(['o_inband', '1']);
    let text = '';
    let failure: unknown;
    try {
      for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
    } catch (e) {
      failure = e;
    }
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(text.length).toBeGreaterThan(0);
    expect(text.split(' ').length).toBeLessThan(12);
    expect(inband.mock!.hits.since(0, 'post').map((h) => h.target)).toEqual(['o_inband']);
  });

  it('a hedged stream commits to the first attempt with a token and aborts the slower one', async () => {
    const { data: stream, response } = await within(client(hedge).chat.completions.create(params).withResponse(), 10_000, 'stream');
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
    expect(text.split(' ').length).toBe(12);
    expect([response.headers.get('x-routebench-target'), response.headers.get('x-routebench-attempts')]).toEqual(['o_good', '2']);
    const slow = hedge.mock!.hits.since(0).find((h) => h.target === 'o_slow')!;
    await within(
      (async () => {
        while (slow.endedAt === undefined) await new Promise((r) => setTimeout(r, 5));
      })(),
      2000,
      'the lost attempt to be aborted',
    );
    // order, not wall-clock bounds: the slow primary (400 ms to its first token) was hung up on before its reply was over
    expect(slow.abandoned).toBe(true);
  });
});
