import { describe, expect, it } from 'vitest';
import { Harness, sentTargets } from './fake-context.js';
import { targetOfDecision } from './mini-engine.js';
import { describeStrategy } from './strategy.case.js';

describeStrategy('weighted', (ids) => ({ targets: ids.map((target, i) => ({ target, weight: i + 1 })) }));

/** Counts first picks per target over `n` fresh requests. */
function shares(h: Harness, n: number): number[] {
  const counts = new Array<number>(h.built.targets.length).fill(0);
  for (let i = 0; i < n; i++) counts[targetOfDecision(h.first())]!++;
  return counts;
}

/** |count − n·p| within 3 standard deviations of a binomial(n, p). */
function expectWithin3Sigma(count: number, n: number, p: number, label: string) {
  const sigma = Math.sqrt(n * p * (1 - p));
  expect(Math.abs(count - n * p), `${label}: ${count} vs expected ${n * p} ± ${3 * sigma}`).toBeLessThanOrEqual(3 * sigma);
}

describe('weighted', () => {
  it('observed shares over 20,000 seeded picks are within 3 sigma of the weights', () => {
    const weights = [1, 2, 3, 4];
    const h = Harness.of('weighted', { targets: weights.map((weight, i) => ({ target: `t${i}`, weight })) }, { targets: 4, seed: 42 });
    const n = 20_000;
    const counts = shares(h, n);
    weights.forEach((w, i) => expectWithin3Sigma(counts[i]!, n, w / 10, `t${i}`));
  });

  it('a zero-weight member is never picked', () => {
    const h = Harness.of('weighted', { targets: [{ target: 't0', weight: 0 }, { target: 't1', weight: 1 }, { target: 't2', weight: 1 }] });
    const counts = shares(h, 2000);
    expect(counts[0]).toBe(0);
    expectWithin3Sigma(counts[1]!, 2000, 0.5, 't1');
  });

  it('renormalises over unblocked members', () => {
    const h = Harness.of('weighted', { targets: [{ target: 't0', weight: 1 }, { target: 't1', weight: 2 }, { target: 't2', weight: 7 }] }, { seed: 9 });
    h.blockMask[2] = 1;
    const n = 6000;
    const counts = shares(h, n);
    expect(counts[2]).toBe(0);
    expectWithin3Sigma(counts[0]!, n, 1 / 3, 't0');
  });

  it('the reason names the member and its weight', () => {
    const h = Harness.of('weighted', { targets: [{ target: 't0', weight: 3 }, { target: 't1', weight: 0 }] });
    expect(h.first()).toMatchObject({ type: 'send', target: 0, reason: 'weighted: t0 (weight 3 of 3)' });
  });

  it('failover: false (default) stops after one failure', () => {
    const h = Harness.of('weighted', { targets: [{ target: 't0' }, { target: 't1' }, { target: 't2' }] });
    for (let i = 0; i < 20; i++) {
      const req = h.request();
      req.decide('arrival');
      expect(req.fail('server_error')).toEqual({ type: 'stop', reason: 'weighted: failover disabled' });
    }
  });

  it('failover: true re-picks only untried members, then stops', () => {
    const h = Harness.of('weighted', { failover: true, targets: [{ target: 't0', weight: 5 }, { target: 't1', weight: 1 }, { target: 't2', weight: 1 }] }, { seed: 4 });
    const orders = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const req = h.request();
      req.decide('arrival');
      req.fail('server_error');
      req.fail('rate_limited');
      expect(req.fail('timeout')).toEqual({ type: 'stop', reason: 'weighted: every member tried or blocked' });
      const sent = sentTargets(req.decisions);
      expect([...sent].sort()).toEqual([0, 1, 2]);
      orders.add(sent.join(''));
    }
    expect(orders.size).toBeGreaterThan(3);
  });

  it('failover: true honours `on`', () => {
    const h = Harness.of('weighted', { failover: true, on: ['rate_limited'], targets: [{ target: 't0' }, { target: 't1' }] });
    const req = h.request();
    req.decide('arrival');
    expect(req.fail('server_error')).toEqual({ type: 'stop', reason: 'weighted: no failover on server_error' });
  });

  it('validates weights: negative and all-zero are rejected', () => {
    expect(() => Harness.of('weighted', { targets: [{ target: 't0', weight: -1 }] })).toThrow(/weights must be ≥ 0/);
    expect(() => Harness.of('weighted', { targets: [{ target: 't0', weight: 0 }] })).toThrow(/weights sum to zero/);
  });
});
