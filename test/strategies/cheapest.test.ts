import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/rng.js';
import { failure, Harness, makeTargets, sentTargets } from './fake-context.js';
import { targetOfDecision } from './mini-engine.js';
import { describeStrategy } from './strategy.case.js';

describeStrategy('cheapest', (ids) => ({ targets: ids }));

/** exp: input-heavy is cheap; out: output-heavy is cheap; mid: in between; cache: cheap cached input. */
const TARGETS = makeTargets(['exp', 'out', 'inp', 'cache'], [
  { input: 10, output: 30 },
  { input: 5, output: 1 },
  { input: 1, output: 10 },
  { input: 4, output: 12, cached_input: 0.1 },
]);
const cost = (t: number, inTok: number, cached: number, outTok: number) => {
  const p = TARGETS[t]!.price;
  return (inTok - cached) * p.input + cached * p.cached_input + outTok * p.output;
};

/** A request (1000 in, 1000 out) sent at `at` to `target`, which fails with `kind`. */
function failAt(h: Harness, target: number, at: number, kind: Parameters<typeof failure>[0] = 'server_error') {
  h.now = at;
  const req = h.request({ inputTokens: 1000, outputTokens: 1000 });
  const d = req.decide('arrival');
  expect(targetOfDecision(d)).toBe(target);
  req.end(failure(kind));
}

describe('cheapest', () => {
  it('never picks a pricier target while a cheaper one is healthy (per-request token mix)', () => {
    const h = Harness.of('cheapest', {}, { targets: TARGETS });
    const rng = new Rng(3);
    for (let i = 0; i < 500; i++) {
      const inputTokens = 1 + rng.int(20_000);
      const cachedTokens = rng.int(inputTokens + 1);
      const outputTokens = 1 + rng.int(4000);
      const d = h.first({ inputTokens, cachedTokens, outputTokens });
      const costs = TARGETS.map((t) => cost(t.index, inputTokens, cachedTokens, outputTokens));
      expect(costs[targetOfDecision(d)], JSON.stringify({ inputTokens, cachedTokens, outputTokens, costs })).toBe(Math.min(...costs));
    }
  });

  it('fails over to the next cheapest, in cost order', () => {
    const h = Harness.of('cheapest', {}, { targets: TARGETS });
    const req = h.request({ inputTokens: 1000, cachedTokens: 0, outputTokens: 1000 }); // costs: 40k, 6k, 11k, 16k
    req.decide('arrival');
    req.fail('server_error');
    req.fail('server_error');
    req.fail('server_error');
    expect(req.fail('server_error')).toEqual({ type: 'stop', reason: 'cheapest: every member tried or blocked' });
    expect(sentTargets(req.decisions)).toEqual([1, 2, 3, 0]);
  });

  it('skips a target after allowed_fails + 1 failures within cooldown_ms, and returns after the cooldown', () => {
    const h = Harness.of('cheapest', { targets: ['exp', 'out', 'inp'], allowed_fails: 2, cooldown_ms: 10_000 }, { targets: TARGETS });
    const req = { inputTokens: 1000, cachedTokens: 0, outputTokens: 1000 }; // out is cheapest, then inp
    failAt(h, 1, 0);
    failAt(h, 1, 100);
    h.now = 150;
    expect(targetOfDecision(h.first(req)), 'two failures are allowed').toBe(1);
    failAt(h, 1, 200);
    h.now = 300;
    expect(h.first(req)).toMatchObject({ target: 2, reason: 'cheapest: inp (cheapest healthy; cheaper ones cooling down)' });
    h.now = 200 + 9_999;
    expect(targetOfDecision(h.first(req))).toBe(2);
    h.now = 200 + 10_000;
    expect(h.first(req)).toMatchObject({ target: 1, reason: 'cheapest: out (lowest estimated cost)' });
  });

  it('failures spread wider than cooldown_ms do not start a cooldown', () => {
    const h = Harness.of('cheapest', { allowed_fails: 2, cooldown_ms: 10_000 }, { targets: TARGETS });
    const req = { inputTokens: 1000, outputTokens: 1000 };
    failAt(h, 1, 0);
    failAt(h, 1, 6000);
    failAt(h, 1, 12_000);
    expect(targetOfDecision(h.first(req))).toBe(1);
  });

  it('only retryable kinds start a cooldown by default; cooldown_on overrides', () => {
    const req = { inputTokens: 1000, outputTokens: 1000 };
    const dflt = Harness.of('cheapest', { allowed_fails: 0 }, { targets: TARGETS });
    failAt(dflt, 1, 0, 'auth');
    expect(targetOfDecision(dflt.first(req)), 'auth is not retryable').toBe(1);
    failAt(dflt, 1, 10, 'rate_limited');
    expect(targetOfDecision(dflt.first(req))).toBe(2);

    const onAuth = Harness.of('cheapest', { allowed_fails: 0, cooldown_on: ['auth'] }, { targets: TARGETS });
    failAt(onAuth, 1, 0, 'rate_limited');
    expect(targetOfDecision(onAuth.first(req))).toBe(1);
    failAt(onAuth, 1, 10, 'auth');
    expect(targetOfDecision(onAuth.first(req))).toBe(2);
  });

  it('when every target is cooling down it still tries the cheapest', () => {
    const h = Harness.of('cheapest', { targets: ['out', 'inp'], allowed_fails: 0, cooldown_ms: 5000 }, { targets: TARGETS });
    const req = { inputTokens: 1000, outputTokens: 1000 };
    failAt(h, 1, 0);
    failAt(h, 2, 1);
    h.now = 2;
    expect(h.first(req)).toMatchObject({ type: 'send', target: 1, reason: 'cheapest: every target cooling down; trying out anyway' });
  });

  it('failover: false stops after one failure', () => {
    const h = Harness.of('cheapest', { failover: false }, { targets: TARGETS });
    const req = h.request();
    req.decide('arrival');
    expect(req.fail('server_error')).toEqual({ type: 'stop', reason: 'cheapest: failover disabled' });
  });
});
