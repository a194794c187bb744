import { describe, expect, it } from 'vitest';
import { Harness, makeAttempt, sentTargets } from './fake-context.js';
import { MiniEngine } from './mini-engine.js';
import { describeStrategy } from './strategy.case.js';

describeStrategy('least-latency', (ids) => ({ targets: ids }));

const LATENCY = [400, 100, 250];
const okScript = ({ target }: { target: number }) => ({ outcome: 'ok' as const, latencyMs: LATENCY[target]!, ttftMs: 1000 - LATENCY[target]! });

describe('least-latency', () => {
  it('tries every unsampled target first, in order', () => {
    const eng = new MiniEngine(Harness.of('least-latency', { explore: 0 }).built, okScript);
    eng.runSequential(3);
    expect(eng.log.map((l) => l.decision)).toEqual([
      { type: 'send', target: 0, reason: 'least-latency: t0 has no samples yet (exploring)', timeoutMs: undefined },
      { type: 'send', target: 1, reason: 'least-latency: t1 has no samples yet (exploring)', timeoutMs: undefined },
      { type: 'send', target: 2, reason: 'least-latency: t2 has no samples yet (exploring)', timeoutMs: undefined },
    ]);
  });

  it('converges to the fastest target and explores at about the `explore` rate', () => {
    const explore = 0.1;
    const eng = new MiniEngine(Harness.of('least-latency', { explore }, { seed: 21 }).built, okScript);
    const n = 6000;
    eng.runSequential(n + 3, 1000);
    const picks = eng.log.slice(3);
    expect(picks).toHaveLength(n);
    const explored = picks.filter((l) => l.decision.reason.includes('exploring')).length;
    const slow = picks.filter((l) => l.decision.type === 'send' && l.decision.target !== 1).length;
    const within = (count: number, p: number) => Math.abs(count - n * p) <= 3 * Math.sqrt(n * p * (1 - p));
    expect(within(explored, explore), `explored ${explored} of ${n}`).toBe(true);
    // an exploration picks uniformly among the 3 targets, so 2/3 of them land on a slower one
    expect(within(slow, (explore * 2) / 3), `slow picks ${slow} of ${n}`).toBe(true);
    expect(picks.filter((l) => !l.decision.reason.includes('exploring')).every((l) => l.decision.reason === 'least-latency: t1 has the lowest EWMA latency')).toBe(true);
  });

  it('with explore: 0 always picks the lowest EWMA, and follows a change in latency', () => {
    const lat = [300, 100];
    const eng = new MiniEngine(Harness.of('least-latency', { explore: 0, alpha: 0.5 }, { targets: 2 }).built, ({ target }) => ({ outcome: 'ok', latencyMs: lat[target]! }));
    eng.runSequential(12);
    expect(eng.log.slice(2).every((l) => l.decision.type === 'send' && l.decision.target === 1)).toBe(true);
    lat[1] = 1000; // t1 slows down: EWMA 100 → 550 → 775: past t0's 300 after one sample
    eng.runSequential(3);
    expect(eng.log.slice(-3).map((l) => (l.decision.type === 'send' ? l.decision.target : -1))).toEqual([1, 0, 0]);
  });

  it('a failure counts as failure_penalty_ms and fails over to the next best', () => {
    const h = Harness.of('least-latency', { explore: 0, alpha: 1, failure_penalty_ms: 5000 });
    for (const [t, ms] of [[0, 400], [1, 100], [2, 250]] as const) {
      h.router.observe!(makeAttempt({ target: t, outcome: 'ok', sentMs: 0, endMs: ms }), 0);
    }
    const req = h.request();
    expect(req.decide('arrival')).toMatchObject({ target: 1 });
    expect(req.fail('server_error')).toMatchObject({ type: 'send', target: 2 });
    expect(req.fail('server_error')).toMatchObject({ type: 'send', target: 0 });
    expect(req.fail('server_error').type).toBe('stop');
    // every EWMA is now the 5000 ms penalty (alpha 1); ties go to the first listed
    expect(sentTargets([h.first()])).toEqual([0]);
  });

  it('metric: ttft ranks by time to first token', () => {
    const eng = new MiniEngine(Harness.of('least-latency', { explore: 0, metric: 'ttft' }).built, okScript);
    eng.runSequential(6, 1000, { stream: true });
    // ttft = 1000 − latency: t0 is fastest to first token although slowest to finish
    expect(eng.log.slice(3).every((l) => l.decision.type === 'send' && l.decision.target === 0)).toBe(true);
  });

  it('failover: false stops after one failure', () => {
    const h = Harness.of('least-latency', { failover: false });
    const req = h.request();
    req.decide('arrival');
    expect(req.fail('timeout')).toEqual({ type: 'stop', reason: 'least-latency: failover disabled' });
  });
});
