/**
 * The mock service without a network: which reply plan a marked request gets (deterministic, the
 * same seeded model as simulate), in the target's dialect, on the run's time scale; repeats of one
 * marker (an SDK's retries) get fresh luck; rate limits and in-flight limits; the hit log; and the
 * reply timeline that plays a plan over time.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMocks, type ScenarioPlan } from '../../../src/engine/plan-scenario.js';
import { HitLog, type Hit } from '../../../src/providers/mock/hit-log.js';
import { MockService, type MockReplyPlan } from '../../../src/providers/mock/mock-service.js';
import { playReply } from '../../../src/providers/mock/reply-timeline.js';
import { markerHeaders, type MarkerFields } from '../../../src/providers/request-marker.js';
import { findRequest, planYaml, trafficRequest } from '../../helpers/mock-servers.js';

const YAML = `name: svc
seed: 13
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 1 } }
targets:
  o: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }
  a: { provider: anthropic, model: claude-3-5-haiku, mock: { profile: perfect } }
  o_flaky: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, errors: { server_error: 0.5 } } }
  o_429: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, errors: { rate_limited: 1 }, retry_after_ms: { min: 2000, max: 2000 }, retry_after_share: 1 } }
  a_429: { provider: anthropic, model: claude-3-5-haiku, mock: { profile: perfect, errors: { rate_limited: 1 }, retry_after_ms: { min: 2000, max: 2000 }, retry_after_share: 1 } }
  o_hang: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, errors: { timeout: 1 } } }
  o_cut: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, errors: { truncated: 1 } } }
  o_reset: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, errors: { connection_reset: 1 } } }
  o_rpm: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, rate_limit: { rpm: 2 } } }
  a_busy: { provider: anthropic, model: claude-3-5-haiku, mock: { profile: perfect, max_in_flight: 1 } }
  o_small: { provider: openai, model: gpt-4o-mini, context_window: 1000, mock: { profile: perfect } }
strategies: { s: { use: single, options: { target: o } } }
`;
const plan: ScenarioPlan = planYaml(YAML);

/** A service on a hand-moved clock (real ms), 10× faster than scenario time. */
function service(scale = 10) {
  const clock = { now: 1000 };
  const svc = new MockService(plan.targets, () => createMocks(plan), () => clock.now, { defaultScale: scale });
  return { svc, clock };
}

const marker = (o: Partial<MarkerFields> = {}): MarkerFields => ({ request: 0, attempt: 0, run: 'r1', inputTokens: 200, cachedTokens: 50, outputTokens: 20, ...o });
const body = (stream = false) => ({ model: 'm', stream, messages: [{ role: 'user', content: 'hi' }] });
const send = (svc: MockService, targetId: string, m: MarkerFields | undefined, stream = false, b: unknown = body(stream)) => svc.handle({ targetId, headers: m ? markerHeaders(m) : {}, body: b });

const json = (p: MockReplyPlan) => {
  if (p.type !== 'json') throw new Error(`expected a json plan, got ${p.type}`);
  return p;
};

describe('MockService reply plans', () => {
  it('a marked request gets the same plan from any fresh service (seeded, no hidden state)', () => {
    const a = send(service().svc, 'o_flaky', marker({ request: 7 }));
    const b = send(service().svc, 'o_flaky', marker({ request: 7 }));
    expect(a.plan).toEqual(b.plan);
    expect(a.hit).toEqual(b.hit);
  });

  it('a plain success: JSON after TTFT + generation on the run time scale, usage from the marker', () => {
    const { plan: p, hit } = send(service(10).svc, 'o', marker());
    const j = json(p);
    // perfect: TTFT 100 ms + 20 tokens at 100 tok/s = 300 ms of scenario time, 30 ms real at 10×
    expect(j.afterMs).toBeCloseTo(30, 5);
    expect(j.response.status).toBe(200);
    expect(j.response.headers).toMatchObject({ 'content-type': 'application/json', 'openai-processing-ms': '30', 'x-request-id': 'req_r1-0-0-0-0' });
    expect(JSON.parse(j.response.body)).toMatchObject({ id: 'r1-0-0-0-0', object: 'chat.completion', model: 'gpt-4o-mini', usage: { prompt_tokens: 200, completion_tokens: 20, prompt_tokens_details: { cached_tokens: 50 } } });
    expect(hit).toMatchObject({ seq: 0, run: 'r1', target: 'o', request: 0, attempt: 0, repeat: 0, stream: false, status: 200, kind: undefined, scenarioMs: 0 });
  });

  it('a stream: first content at TTFT, terminator at the end; the Anthropic framing for an Anthropic target', () => {
    const { plan: p } = send(service(10).svc, 'a', marker(), true);
    if (p.type !== 'stream') throw new Error(p.type);
    const { stream } = p;
    expect(p.resetAtEnd).toBe(false);
    expect([stream.status, stream.terminated, stream.keepOpen]).toEqual([200, true, false]);
    expect(stream.endMs).toBeCloseTo(30, 5);
    const names = stream.events.map((e) => /^event: (\w+)/.exec(e.data)?.[1]);
    expect(names.slice(0, 3)).toEqual(['message_start', 'content_block_start', 'ping']);
    expect(names.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    const firstDelta = stream.events.find((e) => e.data.startsWith('event: content_block_delta'))!;
    expect(firstDelta.atMs).toBeCloseTo(10, 5);
    expect(stream.events.map((e) => e.atMs)).toEqual([...stream.events.map((e) => e.atMs)].sort((x, y) => x - y));
  });

  it('the run time scale set by startRun applies to the run, other runs keep the default', () => {
    const { svc } = service(10);
    svc.startRun('slow', 1);
    expect(json(send(svc, 'o', marker({ run: 'slow' })).plan).afterMs).toBeCloseTo(300, 5);
    expect(json(send(svc, 'o', marker({ run: 'fast' })).plan).afterMs).toBeCloseTo(30, 5);
  });

  it('the same marker again (an SDK retry) is a repeat with fresh luck; a new run starts the count again', () => {
    const { svc } = service();
    const hits: Hit[] = [];
    const kinds: (string | undefined)[] = [];
    for (let i = 0; i < 8; i++) {
      const h = send(svc, 'o_flaky', marker({ request: 3 }));
      hits.push(h.hit);
      kinds.push(h.hit.kind);
    }
    expect(hits.map((h) => h.repeat)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(new Set(kinds)).toEqual(new Set(['server_error', undefined])); // 50% errors: both outcomes among the repeats
    expect(send(svc, 'o_flaky', marker({ request: 3, attempt: 1 })).hit.repeat).toBe(0);
    svc.startRun('r1');
    expect(send(svc, 'o_flaky', marker({ request: 3 })).hit).toMatchObject({ repeat: 0, kind: hits[0]!.kind });
  });

  it('the k-th call of a request to a target draws luck k whoever sends it: an engine numbering its attempts, a gateway repeating one marker', () => {
    const engine = service().svc;
    const gateway = service().svc;
    const viaEngine = [0, 1, 2, 3, 4].map((k) => send(engine, 'o_flaky', marker({ request: 9, attempt: k })).hit);
    const viaGateway = [0, 1, 2, 3, 4].map(() => send(gateway, 'o_flaky', marker({ request: 9, attempt: 0 })).hit);
    expect(viaGateway.map((h) => h.drawIndex)).toEqual([0, 1, 2, 3, 4]);
    expect(viaEngine.map((h) => h.drawIndex)).toEqual([0, 1, 2, 3, 4]);
    expect(viaGateway.map((h) => [h.kind, h.plannedMs])).toEqual(viaEngine.map((h) => [h.kind, h.plannedMs]));
    // an attempt that never reached the mock keeps the engine's numbering: attempt 3 after 0 alone draws luck 3
    const gap = service().svc;
    send(gap, 'o_flaky', marker({ request: 9, attempt: 0 }));
    expect(send(gap, 'o_flaky', marker({ request: 9, attempt: 3 })).hit).toMatchObject({ drawIndex: 3, kind: viaEngine[3]!.kind, plannedMs: viaEngine[3]!.plannedMs });
    // other requests and targets count on their own
    expect(send(gateway, 'o_flaky', marker({ request: 10, attempt: 0 })).hit.drawIndex).toBe(0);
    expect(send(gateway, 'o', marker({ request: 9, attempt: 0 })).hit.drawIndex).toBe(0);
  });

  it('an unmarked request (an SDK, a gateway probe): run "unmarked", prompt estimated at ~4 characters a token, max tokens as output', () => {
    const { svc } = service(1);
    const h = send(svc, 'o', undefined, false, { model: 'm', max_completion_tokens: 7, messages: [{ role: 'system', content: 'x'.repeat(40) }, { role: 'user', content: [{ type: 'text', text: 'y'.repeat(80) }] }] });
    expect(h.hit).toMatchObject({ run: 'unmarked', request: undefined, attempt: undefined, repeat: 0 });
    expect(JSON.parse(json(h.plan).response.body).usage).toMatchObject({ prompt_tokens: 30, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 0 } });
    const an = send(svc, 'a', undefined, false, { model: 'm', max_tokens: 5, system: 'z'.repeat(20), messages: [{ role: 'user', content: 'w'.repeat(20) }] });
    expect(JSON.parse(json(an.plan).response.body).usage).toMatchObject({ input_tokens: 10, output_tokens: 5 });
    expect(JSON.parse(json(send(svc, 'o', undefined, false, {}).plan).response.body).usage).toMatchObject({ prompt_tokens: 0, completion_tokens: 16 });
  });

  it('429 retry-after: real ms in the wire headers, exact scenario ms for routebench', () => {
    const { svc } = service(10);
    const o = json(send(svc, 'o_429', marker()).plan).response;
    expect(o.status).toBe(429);
    expect(o.headers).toMatchObject({ 'retry-after-ms': '200', 'retry-after': '1', 'x-routebench-retry-after-ms': '2000' });
    expect(JSON.parse(o.body).error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded' });
    const a = json(send(svc, 'a_429', marker()).plan).response;
    expect(a.headers).toMatchObject({ 'retry-after': '1', 'x-should-retry': 'true', 'x-routebench-retry-after-ms': '2000' });
    expect(a.headers['retry-after-ms']).toBeUndefined();
  });

  it('hangs, cut streams and resets', () => {
    const { svc } = service();
    expect(send(svc, 'o_hang', marker()).plan).toEqual({ type: 'hang' });
    const stall = send(svc, 'o_hang', marker({ request: 1 }), true).plan;
    expect(stall).toMatchObject({ type: 'stream', resetAtEnd: false, stream: { keepOpen: true, terminated: false, endMs: Infinity } });
    expect(send(svc, 'o_hang', marker({ request: 2 })).hit).toMatchObject({ status: 0, kind: 'timeout' });

    const cutReq = { ...trafficRequest(0, { inputTokens: 200, cachedTokens: 50, stream: true, outputTokens: 200 }) };
    const cut = findRequest(plan, 'o_cut', cutReq, (d) => d.tokensOut > 0);
    const truncated = send(svc, 'o_cut', marker({ request: cut, outputTokens: 200 }), true);
    expect(truncated.plan).toMatchObject({ type: 'stream', resetAtEnd: false, stream: { terminated: false, keepOpen: false } });
    expect(truncated.hit).toMatchObject({ status: 200, kind: 'truncated' });
    const early = findRequest(plan, 'o_cut', cutReq, (d) => d.tokensOut === 0);
    expect(send(svc, 'o_cut', marker({ request: early, outputTokens: 200 }), true).plan.type).toBe('reset'); // cut before the first token
    expect(send(svc, 'o_cut', marker({ request: cut, outputTokens: 200, attempt: 1 })).plan.type).toBe('reset'); // not streamed

    const reset = findRequest(plan, 'o_reset', cutReq, (d) => d.tokensOut > 0);
    expect(send(svc, 'o_reset', marker({ request: reset, outputTokens: 200 }), true).plan).toMatchObject({ type: 'stream', resetAtEnd: true });
    expect(send(svc, 'o_reset', marker({ request: reset, outputTokens: 200, attempt: 1 })).hit).toMatchObject({ status: 0, kind: 'connection_reset' });
  });

  it('rate limits on the run clock: the third request within a second at 2 RPM waits 30 s (scenario)', () => {
    const { svc, clock } = service(10);
    expect(send(svc, 'o_rpm', marker({ request: 0 })).hit.status).toBe(200);
    expect(send(svc, 'o_rpm', marker({ request: 1 })).hit.status).toBe(200);
    const third = send(svc, 'o_rpm', marker({ request: 2 }));
    expect(third.hit).toMatchObject({ status: 429, kind: 'rate_limited' });
    expect(json(third.plan).response.headers).toMatchObject({ 'x-routebench-retry-after-ms': '30000', 'retry-after-ms': '3000' });
    clock.now += 3000; // 30 s of scenario time at 10×
    expect(send(svc, 'o_rpm', marker({ request: 3 })).hit).toMatchObject({ status: 200, scenarioMs: 30_000 });
  });

  it('max_in_flight counts unfinished replies; done() frees the slot once, however often it is called', () => {
    const { svc } = service();
    const first = send(svc, 'a_busy', marker({ request: 0 }));
    const second = send(svc, 'a_busy', marker({ request: 1 }));
    expect([first.hit.status, second.hit.status, second.hit.kind]).toEqual([200, 529, 'overloaded']);
    second.done();
    first.done();
    first.done();
    expect(first.hit.endedAt).toBeDefined();
    const third = send(svc, 'a_busy', marker({ request: 2 }));
    expect(third.hit.status).toBe(200);
    expect(send(svc, 'a_busy', marker({ request: 3 })).hit.status).toBe(529);
  });

  it('a prompt over the context window is a 400 naming both sizes', () => {
    const r = json(send(service().svc, 'o_small', marker({ inputTokens: 5000, cachedTokens: 0 })).plan).response;
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).error).toMatchObject({ code: 'context_length_exceeded', message: expect.stringContaining("maximum context length is 1000 tokens. However, your messages resulted in 5000 tokens") });
  });

  it('an unknown target is a harness error', () => {
    const { svc } = service();
    expect(svc.knows('nope')).toBe(false);
    expect(() => send(svc, 'nope', marker())).toThrow(/unknown mock target nope/);
  });
});

describe('HitLog', () => {
  const hit = (seq: number, run = 'r'): Hit => ({ seq, run, target: 't', repeat: 0, drawIndex: 0, stream: false, status: 200, scenarioMs: 0, plannedMs: 10, firstTokenMs: NaN, tokensPerMs: 0, tokensIn: 0, tokensCached: 0, tokensOut: 0, receivedAt: 0, headers: {} });

  it('keeps the newest hits up to its capacity and filters by seq and run', () => {
    const log = new HitLog(3);
    for (let i = 0; i < 5; i++) log.add(hit(i, i % 2 ? 'odd' : 'even'));
    expect([log.size, log.droppedCount]).toEqual([3, 2]);
    expect(log.since().map((h) => h.seq)).toEqual([2, 3, 4]);
    expect(log.since(3).map((h) => h.seq)).toEqual([3, 4]);
    expect(log.since(0, 'even').map((h) => h.seq)).toEqual([2, 4]);
    log.clear();
    expect(log.size).toBe(0);
  });

  it('keeps only harmless request headers (never credentials)', () => {
    const { svc } = service();
    const h = svc.handle({ targetId: 'o', headers: { ...markerHeaders(marker()), authorization: 'Bearer sk-secret-123456789', 'x-api-key': 'k-secret', 'x-stainless-retry-count': '1', 'user-agent': 'ua' }, body: body() });
    expect(h.hit.headers).toEqual({ 'x-stainless-retry-count': '1', 'x-routebench-request': '0', 'user-agent': 'ua' });
  });
});

describe('playReply (the reply timeline)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function writer() {
    const log: string[] = [];
    return {
      log,
      w: { head: (s: number) => log.push(`head ${s}`), write: (c: string) => log.push(`write ${c.length}`), end: () => log.push('end'), reset: () => log.push('reset') },
    };
  }

  it('JSON: status, body and end together, at afterMs; onDone once', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const { log, w } = writer();
    const done = vi.fn();
    playReply({ type: 'json', afterMs: 50, response: { status: 201, headers: {}, body: 'abc' } }, w, done);
    vi.advanceTimersByTime(49);
    expect(log).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(log).toEqual(['head 201', 'write 3', 'end']);
    expect(done).toHaveBeenCalledTimes(1);
  });

  it('a stream: headers at once, events at their times (due ones together), then the end', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const { log, w } = writer();
    const stream = { status: 200 as const, headers: {}, terminated: true, endMs: 40, keepOpen: false, events: [{ atMs: 0, data: 'a' }, { atMs: 10, data: 'bb' }, { atMs: 10, data: 'ccc' }, { atMs: 30, data: 'dddd' }] };
    const done = vi.fn();
    playReply({ type: 'stream', stream, resetAtEnd: false }, w, done);
    expect(log).toEqual(['head 200', 'write 1']);
    vi.advanceTimersByTime(10);
    expect(log).toEqual(['head 200', 'write 1', 'write 5']);
    vi.advanceTimersByTime(20);
    expect(log.at(-1)).toBe('write 4');
    expect(done).not.toHaveBeenCalled();
    vi.advanceTimersByTime(10);
    expect(log.at(-1)).toBe('end');
    expect(done).toHaveBeenCalledTimes(1);
  });

  it('a writer with endWith gets the last events and the clean end as one write when they are due together (not a cut stream)', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const { log, w } = writer();
    const both = { ...w, endWith: (c: string) => log.push(`endWith ${c.length}`) };
    const stream = { status: 200 as const, headers: {}, terminated: true, endMs: 30, keepOpen: false, events: [{ atMs: 0, data: 'a' }, { atMs: 30, data: 'bb' }, { atMs: 30, data: 'ccc' }] };
    const done = vi.fn();
    playReply({ type: 'stream', stream, resetAtEnd: false }, both, done);
    vi.advanceTimersByTime(30);
    expect(log).toEqual(['head 200', 'write 1', 'endWith 5']);
    expect(done).toHaveBeenCalledTimes(1);
    // The end due later than its last events: a write, then the end on its own.
    const later = writer();
    playReply({ type: 'stream', stream: { ...stream, endMs: 40 }, resetAtEnd: false }, { ...later.w, endWith: () => later.log.push('endWith') }, () => {});
    vi.advanceTimersByTime(40);
    expect(later.log).toEqual(['head 200', 'write 1', 'write 5', 'end']);
    // A reset at the end is never merged into a clean end.
    const cut = writer();
    playReply({ type: 'stream', stream, resetAtEnd: true }, { ...cut.w, endWith: () => cut.log.push('endWith') }, () => {});
    vi.advanceTimersByTime(30);
    expect(cut.log).toEqual(['head 200', 'write 1', 'write 5', 'reset']);
  });

  it('a cut stream can end in a reset; a stall never ends; cancel stops everything and calls onDone once', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const base = { status: 200 as const, headers: {}, terminated: false, events: [{ atMs: 0, data: 'a' }, { atMs: 20, data: 'b' }] };
    const cut = writer();
    playReply({ type: 'stream', stream: { ...base, endMs: 25, keepOpen: false }, resetAtEnd: true }, cut.w, () => {});
    vi.advanceTimersByTime(25);
    expect(cut.log).toEqual(['head 200', 'write 1', 'write 1', 'reset']);

    const stall = writer();
    const stallDone = vi.fn();
    const cancel = playReply({ type: 'stream', stream: { ...base, endMs: Infinity, keepOpen: true }, resetAtEnd: false }, stall.w, stallDone);
    vi.advanceTimersByTime(60_000);
    expect(stall.log).toEqual(['head 200', 'write 1', 'write 1']);
    expect(stallDone).not.toHaveBeenCalled();
    cancel();
    cancel();
    expect(stallDone).toHaveBeenCalledTimes(1);

    const hang = writer();
    const cancelHang = playReply({ type: 'hang' }, hang.w, () => {});
    vi.advanceTimersByTime(60_000);
    expect(hang.log).toEqual([]);
    cancelHang();

    const reset = writer();
    const stop = playReply({ type: 'reset', afterMs: 5 }, reset.w, () => {});
    stop();
    vi.advanceTimersByTime(10);
    expect(reset.log).toEqual([]);
  });
});
