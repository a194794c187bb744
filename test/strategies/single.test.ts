import { describe, expect, it } from 'vitest';
import { Harness, sentTargets } from './fake-context.js';
import { MiniEngine } from './mini-engine.js';
import { describeStrategy } from './strategy.case.js';

describeStrategy('single', (ids) => ({ target: ids[0] }));

describe('single', () => {
  it('sends every request to its one target', () => {
    const h = Harness.of('single', { target: 't1' });
    for (let i = 0; i < 5; i++) expect(h.first()).toEqual({ type: 'send', target: 1, reason: 'single: t1', timeoutMs: undefined });
  });

  it('never fails over: a failure of any kind is final', () => {
    const h = Harness.of('single', { target: 't2' });
    for (const kind of ['rate_limited', 'server_error', 'timeout', 'auth'] as const) {
      const req = h.request();
      req.decide('arrival');
      expect(req.fail(kind)).toEqual({ type: 'stop', reason: 'single: no failover' });
      expect(sentTargets(req.decisions)).toEqual([2]);
    }
  });

  it('passes timeout_ms through to the decision', () => {
    const h = Harness.of('single', { target: 't0', timeout_ms: 1234 });
    expect(h.first()).toMatchObject({ type: 'send', target: 0, timeoutMs: 1234 });
  });

  it('stops (fail fast) when its target is blocked', () => {
    const h = Harness.of('single', { target: 't0' });
    h.blockMask[0] = 1;
    expect(h.first()).toEqual({ type: 'stop', reason: 'single: t0 blocked' });
  });

  it('in the engine: one attempt per request, and a timeout ends the request', () => {
    const eng = new MiniEngine(Harness.of('single', { target: 't1', timeout_ms: 500 }).built, ({ request }) => ({ outcome: 'ok', latencyMs: request.index % 2 ? 900 : 100 }));
    const states = eng.runSequential(6);
    expect(states.map((s) => s.sent.length)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(states.map((s) => s.succeeded)).toEqual([true, false, true, false, true, false]);
    expect(states[1]!.sent[0]!.outcome).toBe('timeout');
    expect(states[1]!.sent[0]!.endMs - states[1]!.sent[0]!.sentMs).toBe(500);
  });
});
