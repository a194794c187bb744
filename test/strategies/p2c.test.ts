import { describe, expect, it } from 'vitest';
import { Harness, makeAttempt, sentTargets } from './fake-context.js';
import { MiniEngine, targetOfDecision } from './mini-engine.js';
import { describeStrategy } from './strategy.case.js';

describeStrategy('p2c', (ids) => ({ targets: ids }));

const within3Sigma = (count: number, n: number, p: number) => Math.abs(count - n * p) <= 3 * Math.sqrt(n * p * (1 - p));

describe('p2c', () => {
  it('with two targets always picks the one with fewer in flight', () => {
    const h = Harness.of('p2c', {}, { targets: 2, seed: 8 });
    for (let i = 0; i < 200; i++) {
      h.inFlight.set([3, 1]);
      expect(h.first()).toMatchObject({ type: 'send', target: 1, reason: 'p2c: t1 over t0 (fewer in flight)' });
      h.inFlight.set([0, 7]);
      expect(targetOfDecision(h.first())).toBe(0);
    }
  });

  it('with three targets the least loaded wins every pair it is drawn into (2/3), the busiest never', () => {
    const h = Harness.of('p2c', {}, { targets: 3, seed: 13 });
    const n = 6000;
    const counts = [0, 0, 0];
    for (let i = 0; i < n; i++) {
      h.inFlight.set([0, 5, 10]);
      counts[targetOfDecision(h.first())]!++;
    }
    expect(counts[2]).toBe(0);
    expect(within3Sigma(counts[0]!, n, 2 / 3), `t0 picked ${counts[0]} of ${n}`).toBe(true);
    expect(counts[0]! + counts[1]!).toBe(n);
  });

  it('both members of a pair are drawn uniformly: with equal load and no failures, shares are even', () => {
    const h = Harness.of('p2c', {}, { targets: 4, seed: 2 });
    const n = 8000;
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      h.inFlight.fill(0);
      counts[targetOfDecision(h.first())]!++;
    }
    for (const c of counts) expect(within3Sigma(c, n, 1 / 4), `shares ${counts.join(',')}`).toBe(true);
  });

  it('on a tie in flight, prefers the target with fewer recent failures', () => {
    const h = Harness.of('p2c', {}, { targets: 2, seed: 5 });
    for (let i = 0; i < 3; i++) h.router.observe!(makeAttempt({ target: 0, outcome: 'error', errorKind: 'server_error' }), 0);
    for (let i = 0; i < 100; i++) {
      h.inFlight.set([2, 2]);
      expect(h.first()).toMatchObject({ target: 1, reason: 'p2c: t1 over t0 (tie on in-flight, fewer recent failures)' });
    }
  });

  it('fails over to another target, never one already tried', () => {
    const h = Harness.of('p2c', {}, { targets: 3, seed: 1 });
    for (let i = 0; i < 50; i++) {
      const req = h.request();
      req.decide('arrival');
      req.fail('server_error');
      expect(req.fail('server_error')).toMatchObject({ type: 'send', reason: expect.stringContaining('only choice left') });
      expect(req.fail('server_error').type).toBe('stop');
      expect(new Set(sentTargets(req.decisions)).size).toBe(3);
    }
  });

  it('balances concurrent load in the engine', () => {
    // 300 requests arriving 10 ms apart, each lasting 1 s: ~100 in flight at once
    const eng = new MiniEngine(Harness.of('p2c', {}, { targets: 3, seed: 4 }).built, () => ({ outcome: 'ok', latencyMs: 1000 }));
    for (let i = 0; i < 300; i++) eng.arrive({ index: i, arrivalMs: i * 10 });
    eng.drain();
    const counts = [0, 0, 0];
    for (const s of eng.finishedStates) counts[s.sent[0]!.target]!++;
    expect(Math.max(...counts) - Math.min(...counts), counts.join(',')).toBeLessThanOrEqual(6);
  });
});
