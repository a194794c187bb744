import { describe, expect, it } from 'vitest';
import { makeAttempt } from './fake-context.js';
import { describeStrategy } from './strategy.case.js';
import { ABC, build, endpoints, expectShare, failures, firstPickShares, reasons, tryAll } from './openrouter-helpers.js';

describeStrategy('openrouter', (ids) => ({ slugs: { 'p-a': ids[0], 'p-b': ids[1], 'p-c': ids[2] } }));

const N = 20_000;

describe('openrouter: default load balancing (gateways.md §2.1, classic)', () => {
  it('three stable providers at $1/$2/$3 get 73.5% / 18.4% / 8.2% of first attempts (1/price²)', () => {
    const shares = firstPickShares(build({}), N);
    expectShare(shares.A, 0.735, N, 'A');
    expectShare(shares.B, 0.184, N, 'B');
    expectShare(shares.C, 0.082, N, 'C');
  });

  it('B with a recent outage: A is 9× as likely as C to go first, B never first', () => {
    const h = build({});
    failures(h, 1, 3, 0);
    h.now = 1000;
    const shares = firstPickShares(h, N);
    expectShare(shares.A, 0.9, N, 'A');
    expectShare(shares.C, 0.1, N, 'C');
    expect(shares.B).toBeUndefined();
  });

  it('after A fails, C is tried next and B (the unstable one) last, as in the documented example', () => {
    const h = build({});
    failures(h, 1, 3, 0);
    h.now = 1000;
    let run = tryAll(h);
    while (run.ids[0] !== 'A') run = tryAll(h);
    expect(run.ids).toEqual(['A', 'C', 'B']);
    expect(reasons(run.decisions)).toEqual([
      'openrouter: A (price-weighted pick)',
      'openrouter: C (fallback, by price)',
      'openrouter: B demoted (outage in the last 30 s)',
      'openrouter: every endpoint tried',
    ]);
  });

  it('the stable ones fall back by price after the weighted pick', () => {
    const h = build({});
    let run = tryAll(h);
    while (run.ids[0] !== 'C') run = tryAll(h);
    expect(run.ids).toEqual(['C', 'A', 'B']);
  });

  it('a provider with an outage in the last 30 s is tried last, and returns after the window', () => {
    const h = build({});
    failures(h, 0, 3, 5000); // A, the cheapest
    for (const now of [5001, 20_000, 34_999]) {
      h.now = now;
      for (let i = 0; i < 50; i++) expect(tryAll(h).ids.at(-1), `at ${now}`).toBe('A');
    }
    h.now = 35_000;
    expect(firstPickShares(h, 200).A).toBeGreaterThan(0.6);
  });

  it('a significant outage: ≥ 3 provider-side failures making up ≥ half of the last 30 s; 429s and client errors do not count', () => {
    const lastOf = (setup: (h: ReturnType<typeof build>) => void) => {
      const h = build({});
      setup(h);
      h.now = 1000;
      return new Set(Array.from({ length: 40 }, () => tryAll(h).ids.at(-1)));
    };
    expect(lastOf((h) => failures(h, 0, 2, 0))).not.toEqual(new Set(['A']));
    expect(lastOf((h) => failures(h, 0, 3, 0))).toEqual(new Set(['A']));
    expect(lastOf((h) => failures(h, 0, 3, 0, 'unavailable'))).toEqual(new Set(['A']));
    expect(lastOf((h) => failures(h, 0, 5, 0, 'rate_limited'))).not.toEqual(new Set(['A']));
    expect(lastOf((h) => failures(h, 0, 5, 0, 'context_length'))).not.toEqual(new Set(['A']));
    // 3 failures among 10 successes: a blip, not an outage
    expect(
      lastOf((h) => {
        failures(h, 0, 3, 0);
        for (let i = 0; i < 10; i++) h.router.observe!(makeAttempt({ target: 0, outcome: 'ok' }), 0);
      }),
    ).not.toEqual(new Set(['A']));
    // outage thresholds are options
    expect(lastOf((h) => failures(h, 0, 1, 0))).not.toEqual(new Set(['A']));
    const strict = build({ outage: { min_failures: 1 } });
    failures(strict, 0, 1, 0);
    strict.now = 1000;
    expect(tryAll(strict).ids.at(-1)).toBe('A');
  });
});

describe('openrouter: order and allow_fallbacks', () => {
  it('order: listed providers first, in order, then the others by price; load balancing off', () => {
    const h = build({ provider: { order: ['c', 'b'] } });
    failures(h, 2, 5, 0); // an outage on C does not matter with order
    h.now = 1000;
    for (let i = 0; i < 20; i++) expect(tryAll(h).ids).toEqual(['C', 'B', 'A']);
    expect(reasons(tryAll(h).decisions)).toEqual(['openrouter: C (provider.order)', 'openrouter: B (provider.order)', 'openrouter: A (fallback after provider.order)', 'openrouter: every endpoint tried']);
  });

  it('order + allow_fallbacks: false stops after the listed ones', () => {
    const h = build({ provider: { order: ['c', 'b'], allow_fallbacks: false } });
    const run = tryAll(h);
    expect(run.ids).toEqual(['C', 'B']);
    expect(run.decisions.at(-1)).toEqual({ type: 'stop', reason: 'openrouter: fallbacks disabled (allow_fallbacks: false)' });
  });

  it('allow_fallbacks: false without order: only the primary (the weighted pick)', () => {
    const h = build({ provider: { allow_fallbacks: false } });
    for (let i = 0; i < 30; i++) expect(tryAll(h).ids).toHaveLength(1);
  });

  it('order with a sort: the others follow by that sort', () => {
    const h = build({ provider: { order: ['b'], sort: 'price' } }, endpoints([['A', 'a', 'm', 3], ['B', 'b', 'm', 2], ['C', 'c', 'm', 1]]));
    expect(tryAll(h).ids).toEqual(['B', 'C', 'A']);
  });
});

describe('openrouter: only, ignore, slugs', () => {
  it('only: never outside the allowlist; ignore: never the ignored', () => {
    const only = build({ provider: { only: ['a', 'c'] } });
    const ignore = build({ provider: { ignore: ['a'] } });
    for (let i = 0; i < 50; i++) {
      expect(tryAll(only).ids.sort()).toEqual(['A', 'C']);
      expect(tryAll(ignore).ids.sort()).toEqual(['B', 'C']);
    }
  });

  it('only and ignore leaving nothing: the request fails with a reason (404)', () => {
    const h = build({ provider: { only: ['a'], ignore: ['a'] } });
    expect(h.first()).toEqual({ type: 'stop', reason: 'openrouter: no endpoint left after provider.only / provider.ignore' });
  });

  it('a base slug matches its variants, but not service-tier endpoints, which need an exact name', () => {
    const t = endpoints([
      ['vx', 'google-vertex', 'm', 1],
      ['vx-east', 'google-vertex/us-east5', 'm', 1],
      ['oa', 'openai', 'm', 1],
      ['oa-flex', 'openai/flex', 'm', 0.5],
    ]);
    expect(tryAll(build({ provider: { only: ['google-vertex'] } }, t)).ids.sort()).toEqual(['vx', 'vx-east']);
    expect(tryAll(build({ provider: { ignore: ['google-vertex'] } }, t)).ids).toEqual(['oa']);
    expect(tryAll(build({ provider: { order: ['openai/flex', 'openai'] } }, t)).ids).toEqual(['oa-flex', 'oa', 'vx', 'vx-east']);
    expect(tryAll(build({ provider: { order: ['OpenAI'], allow_fallbacks: false } }, t)).ids).toEqual(['oa']);
  });

  it('slugs maps provider slugs to targets; only mapped targets are endpoints', () => {
    const h = build({ slugs: { together: 'C', fireworks: ['A'] }, provider: { order: ['together'] } });
    expect(tryAll(h).ids).toEqual(['C', 'A']);
  });

  it('hosted-only filters are accepted and every mock endpoint passes them', () => {
    const hosted = { require_parameters: true, data_collection: 'deny', zdr: true, enforce_distillable_text: true, quantizations: ['fp8', 'bf16'] };
    const a = build({ provider: hosted }, ABC, 3);
    const b = build({}, ABC, 3);
    for (let i = 0; i < 200; i++) expect(tryAll(a).decisions).toEqual(tryAll(b).decisions);
  });
});
