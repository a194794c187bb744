import { describe, expect, it } from 'vitest';
import { failure } from './fake-context.js';
import type { ScriptedResult } from './mini-engine.js';
import { AN, engine, GG, OA, pk, waits } from './portkey-helpers.js';

const always = (r: ScriptedResult) => () => r;
const err = (errorKind: ScriptedResult['errorKind'], extra: Partial<ScriptedResult> = {}): ScriptedResult => ({ outcome: 'error', errorKind, latencyMs: 30, ...extra });

describe('portkey retry', () => {
  it('waits 1, 2, 4, 8, 16 s (async-retry, factor 2, no jitter, no cap) and spends `attempts` extra tries', () => {
    const eng = engine({ ...OA, retry: { attempts: 5 } }, always(err('unavailable')));
    const [st] = eng.runSequential(1);
    expect(waits(eng.log.map((l) => l.decision))).toEqual([1, 2, 3, 4, 5].map((k) => ({ ms: 1000 * 2 ** (k - 1), reason: `portkey: retry ${k}/5 after 503, backoff` })));
    expect(st!.sent.map((a) => a.sentMs)).toEqual([0, 1030, 3060, 7090, 15120, 31150]);
    expect(st!.sent.map((a) => a.reason)).toEqual(['portkey: single provider config', ...[1, 2, 3, 4, 5].map((k) => `portkey: retry ${k}/5 of config`)]);
    expect(st!.stopReason).toBe('portkey: 5 retries spent, last status 503');
  });

  it('gateways.md ran: 3 retries on a permanent 503 take 7 s and 4 upstream calls', () => {
    const eng = engine({ ...OA, retry: { attempts: 3 } }, always(err('unavailable', { latencyMs: 0 })));
    const [st] = eng.runSequential(1);
    expect(st!.sent.map((a) => a.sentMs)).toEqual([0, 1000, 3000, 7000]);
  });

  it('retries only the default codes 429, 500, 502, 503, 504: not 400, 408, nor an Anthropic 529', () => {
    for (const [target, kind, retried] of [[OA, 'invalid_request', false], [OA, 'timeout', false], [AN, 'overloaded', false], [OA, 'overloaded', true], [OA, 'rate_limited', true], [OA, 'bad_gateway', true], [OA, 'server_error', true]] as const) {
      const req = pk({ ...target, retry: { attempts: 2 } }).request();
      req.decide('arrival');
      expect(req.fail(kind).type, `${target.provider} ${kind}`).toBe(retried ? 'wait' : 'stop');
    }
    const req = pk({ ...AN, retry: { attempts: 2 } }).request();
    req.decide('arrival');
    expect(req.fail('overloaded')).toEqual({ type: 'stop', reason: 'portkey: 529 is not retried (retry codes 429, 500, 502, 503, 504)' });
  });

  it('on_status_codes replaces the defaults; attempts 0 never retries', () => {
    const h = pk({ ...OA, retry: { attempts: 2, on_status_codes: [408, 401] } });
    for (const [kind, type] of [['unavailable', 'stop'], ['auth', 'wait'], ['timeout', 'wait']] as const) {
      const req = h.request();
      req.decide('arrival');
      expect(req.fail(kind).type, kind).toBe(type);
    }
    const none = pk({ ...OA, retry: { attempts: 0 } }).request();
    none.decide('arrival');
    expect(none.fail('unavailable')).toEqual({ type: 'stop', reason: 'portkey: single provider config failed (503)' });
  });

  it('a connection reset (a thrown fetch) is retried whatever the codes, then reported as 500', () => {
    const config = { strategy: { mode: 'fallback', on_status_codes: [500] }, retry: { attempts: 1, on_status_codes: [429] }, targets: [OA, GG] };
    const req = pk(config).request();
    req.decide('arrival');
    expect(req.fail('connection_reset')).toMatchObject({ type: 'wait', ms: 1000, reason: 'portkey: retry 1/1 after 500, backoff' });
    expect(req.decide('timer')).toMatchObject({ type: 'send', target: 0, reason: 'portkey: retry 1/1 of targets[0]' });
    expect(req.fail('connection_reset')).toMatchObject({ type: 'send', target: 2, reason: 'portkey: fallback targets[1] after 500 (on_status_codes)' });
  });

  it('retries run inside one target before the fallback moves on; retry is inherited, a child replaces it wholesale', () => {
    const config = { strategy: { mode: 'fallback' }, retry: { attempts: 2 }, targets: [OA, { ...GG, retry: { attempts: 1, on_status_codes: [503] } }] };
    const eng = engine(config, always(err('unavailable')));
    const [st] = eng.runSequential(1);
    expect(st!.sent.map((a) => a.target)).toEqual([0, 0, 0, 2, 2]);
    expect(st!.stopReason).toBe('portkey: fallback config exhausted, last status 503');
  });
});

describe('portkey retry-after (use_retry_after_header)', () => {
  const ra = (ms: number) => failure('rate_limited', { retryAfterMs: ms });

  it('a 429 waits its retry-after; the remaining backoffs become 0 (async-retry _timeouts reset)', () => {
    const h = pk({ ...OA, retry: { attempts: 3, use_retry_after_header: true } });
    const req = h.request();
    req.decide('arrival');
    expect(req.fail(ra(2500))).toEqual({ type: 'wait', ms: 2500, reason: 'portkey: retry 1/3 after 429, waiting retry-after' });
    h.now += 2500;
    expect(req.decide('timer')).toMatchObject({ type: 'send', target: 0, reason: 'portkey: retry 1/3 of config' });
    expect(req.fail('unavailable')).toEqual({ type: 'send', target: 0, reason: 'portkey: retry 2/3 after 503, no backoff (reset by retry-after)', timeoutMs: undefined });
    expect(req.fail(failure('rate_limited'))).toMatchObject({ type: 'send', reason: 'portkey: retry 3/3 after 429, no backoff (reset by retry-after)' });
    expect(req.fail('unavailable')).toEqual({ type: 'stop', reason: 'portkey: 3 retries spent, last status 503' });
  });

  it('without the flag, or without a header, the backoff applies', () => {
    const off = pk({ ...OA, retry: { attempts: 2 } }).request();
    off.decide('arrival');
    expect(off.fail(ra(2500))).toMatchObject({ type: 'wait', ms: 1000, reason: 'portkey: retry 1/2 after 429, backoff' });
    const bare = pk({ ...OA, retry: { attempts: 2, use_retry_after_header: true } }).request();
    bare.decide('arrival');
    expect(bare.fail(failure('rate_limited'))).toMatchObject({ type: 'wait', ms: 1000 });
  });

  it('honoured waits share a 60 s budget: a header ≥ 60 s, or above what is left, ends retrying', () => {
    const h = pk({ ...OA, retry: { attempts: 5, use_retry_after_header: true } });
    const req = h.request();
    req.decide('arrival');
    expect(req.fail(ra(30_000))).toMatchObject({ type: 'wait', ms: 30_000 });
    req.decide('timer');
    expect(req.fail(ra(30_000))).toMatchObject({ type: 'wait', ms: 30_000 });
    req.decide('timer');
    expect(req.fail(ra(1))).toEqual({ type: 'stop', reason: 'portkey: retry-after beyond the 60 s retry budget ends retrying' });
    for (const [ms, type] of [[59_999, 'wait'], [60_000, 'stop']] as const) {
      const r = h.request();
      r.decide('arrival');
      expect(r.fail(ra(ms)).type, String(ms)).toBe(type);
    }
  });

  it('the last try\'s retry-after is waited out too before the response moves on (the gateway sleeps, then gives up)', () => {
    const config = { strategy: { mode: 'fallback' }, targets: [{ ...OA, retry: { attempts: 1, use_retry_after_header: true } }, GG] };
    const eng = engine(config, ({ target }) => (target === 0 ? err('rate_limited', { retryAfterMs: 3000 }) : { outcome: 'ok', latencyMs: 30 }));
    const [st] = eng.runSequential(1);
    expect(st!.sent.map((a) => [a.target, a.sentMs])).toEqual([[0, 0], [0, 3030], [2, 6060]]);
    expect(waits(eng.log.map((l) => l.decision)).map((w) => w.reason)).toEqual([
      'portkey: retry 1/1 after 429, waiting retry-after',
      'portkey: waiting retry-after of the last try before answering (as the gateway does)',
    ]);
  });

  it('Anthropic sends whole-second retry-after: 1.5 s is read as 2 s', () => {
    const req = pk({ ...AN, retry: { attempts: 1, use_retry_after_header: true } }).request();
    req.decide('arrival');
    expect(req.fail(ra(1500))).toMatchObject({ type: 'wait', ms: 2000 });
  });

  it('retry-after is read only on 429', () => {
    const req = pk({ ...OA, retry: { attempts: 1, use_retry_after_header: true } }).request();
    req.decide('arrival');
    expect(req.fail(failure('unavailable', { retryAfterMs: 5000 }))).toMatchObject({ type: 'wait', ms: 1000 });
  });
});

describe('portkey request_timeout', () => {
  it('is sent as the attempt timeout, inherited unless set (0 counts as unset)', () => {
    const config = { strategy: { mode: 'fallback' }, request_timeout: 1000, targets: [OA, { ...AN, request_timeout: 0 }, { ...GG, request_timeout: 2500 }] };
    const req = pk(config).request();
    expect(req.decide('arrival')).toMatchObject({ target: 0, timeoutMs: 1000 });
    expect(req.fail('timeout')).toMatchObject({ target: 1, timeoutMs: 1000, reason: 'portkey: fallback targets[1] after 408' });
    expect(req.fail('timeout')).toMatchObject({ target: 2, timeoutMs: 2500 });
  });

  it('gateways.md ran: a slow target at 1 s timeout → synthetic 408 → second target, 1.03 s in all', () => {
    const config = { strategy: { mode: 'fallback' }, request_timeout: 1000, targets: [OA, GG] };
    const eng = engine(config, ({ target }) => (target === 0 ? { outcome: 'ok', latencyMs: 5000 } : { outcome: 'ok', latencyMs: 30 }));
    const [st] = eng.runSequential(1);
    expect(st!.sent.map((a) => [a.target, a.sentMs, a.outcome])).toEqual([[0, 0, 'timeout'], [2, 1000, 'ok']]);
    expect(st!.sent[1]!.endMs).toBe(1030);
  });

  it('408 is not a default retry code, but retries when listed', () => {
    const eng = engine({ ...OA, request_timeout: 500, retry: { attempts: 1, on_status_codes: [408] } }, always({ outcome: 'ok', latencyMs: 900 }));
    const [st] = eng.runSequential(1);
    expect(st!.sent.map((a) => a.sentMs)).toEqual([0, 1500]);
    const plain = engine({ ...OA, request_timeout: 500, retry: { attempts: 1 } }, always({ outcome: 'ok', latencyMs: 900 }));
    expect(plain.runSequential(1)[0]!.sent).toHaveLength(1);
  });
});
