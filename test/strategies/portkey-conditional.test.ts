import { describe, expect, it } from 'vitest';
import type { TrafficRequest } from '../../src/traffic/traffic-request.js';
import { buildStrategy, Harness } from './fake-context.js';
import { targetOfDecision } from './mini-engine.js';
import { AN, GG, OA, pk, TARGETS } from './portkey-helpers.js';

/** A conditional over OA ("fast"), AN ("smart"), GG ("cheap") with `conditions` and an optional default. */
const conditional = (conditions: { query: unknown; then: string }[], dflt?: string) => ({
  strategy: { mode: 'conditional', conditions, ...(dflt && { default: dflt }) },
  targets: [{ ...OA, name: 'fast' }, { ...AN, name: 'smart' }, { ...GG, name: 'cheap' }],
});
const route = (h: Harness, r: Partial<TrafficRequest>) => targetOfDecision(h.first(r));

describe('portkey conditional', () => {
  it('metadata (request tags) with $eq, first match wins, then the default', () => {
    const h = pk(conditional([{ query: { 'metadata.plan': { $eq: 'paid' } }, then: 'smart' }, { query: { 'metadata.plan': 'paid' }, then: 'fast' }], 'cheap'));
    expect(h.first({ tags: { plan: 'paid' } })).toMatchObject({ target: 1, reason: 'portkey: conditional targets[1] (condition 1, then "smart")' });
    expect(h.first({ tags: { plan: 'free' } })).toMatchObject({ target: 2, reason: 'portkey: conditional default targets[2] ("cheap")' });
    expect(route(h, {})).toBe(2);
  });

  it('$ne, $in, $nin on metadata; $gt/$gte/$lt/$lte on params.max_tokens (output tokens)', () => {
    const cases: [unknown, Partial<TrafficRequest>, boolean][] = [
      [{ 'metadata.team': { $ne: 'ml' } }, { tags: { team: 'web' } }, true],
      [{ 'metadata.team': { $ne: 'ml' } }, { tags: { team: 'ml' } }, false],
      [{ 'metadata.team': { $in: ['web', 'ios'] } }, { tags: { team: 'ios' } }, true],
      [{ 'metadata.team': { $in: ['web', 'ios'] } }, { tags: { team: 'ml' } }, false],
      [{ 'metadata.team': { $nin: ['web'] } }, { tags: {} }, true],
      [{ 'params.max_tokens': { $gt: 1000 } }, { outputTokens: 1001 }, true],
      [{ 'params.max_tokens': { $gt: 1000 } }, { outputTokens: 1000 }, false],
      [{ 'params.max_tokens': { $gte: '1000' } }, { outputTokens: 1000 }, true], // parseFloat on both sides
      [{ 'params.max_tokens': { $lt: 10, $gte: 5 } }, { outputTokens: 7 }, true],
      [{ 'params.max_tokens': { $lte: 10 } }, { outputTokens: 11 }, false],
      [{ 'metadata.tier': { $gt: 1 } }, { tags: {} }, false], // NaN compares false
    ];
    for (const [query, req, matches] of cases) expect(route(pk(conditional([{ query, then: 'smart' }], 'fast')), req), JSON.stringify([query, req])).toBe(matches ? 1 : 0);
  });

  it('params.model is the route, params.stream the stream flag, url.pathname the chat endpoint; $regex is a JS regex', () => {
    const h = pk(conditional([
      { query: { 'params.model': { $regex: '^gpt-4o' } }, then: 'fast' },
      { query: { 'params.stream': true }, then: 'smart' },
      { query: { 'url.pathname': '/v1/chat/completions' }, then: 'cheap' },
    ]));
    expect(route(h, { route: 'gpt-4o-mini' })).toBe(0);
    expect(route(h, { route: 'claude', stream: true })).toBe(1);
    expect(route(h, { route: 'claude' })).toBe(2);
  });

  it('$and / $or, and a bare value meaning strict equality', () => {
    const h = pk(conditional([
      { query: { $and: [{ 'metadata.env': 'prod' }, { $or: [{ 'metadata.plan': 'paid' }, { 'params.max_tokens': { $gt: 2000 } }] }] }, then: 'smart' },
    ], 'cheap'));
    expect(route(h, { tags: { env: 'prod', plan: 'paid' } })).toBe(1);
    expect(route(h, { tags: { env: 'prod' }, outputTokens: 2500 })).toBe(1);
    expect(route(h, { tags: { env: 'dev', plan: 'paid' } })).toBe(2);
    expect(route(h, { tags: { env: 'prod' }, outputTokens: 10 })).toBe(2);
  });

  it('quirk: $regex tests a missing value as the string "undefined"', () => {
    const h = pk(conditional([{ query: { 'metadata.tier': { $regex: '^undef' } }, then: 'smart' }], 'fast'));
    expect(route(h, {})).toBe(1);
    expect(route(h, { tags: { tier: 'gold' } })).toBe(0);
  });

  it('quirk: keys after $or are never read (reported, and reproduced when built anyway)', () => {
    const options = { config: conditional([{ query: { $or: [{ 'metadata.a': 'x' }], 'metadata.b': 'y' }, then: 'smart' }], 'fast') };
    const built = buildStrategy('portkey', options, { targets: TARGETS, allowProblems: true });
    expect(built.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'strategies.s.options.config.strategy.conditions[0].query.metadata.b: never read: the gateway returns at "$or" and ignores the keys after it (put them inside "$or")',
    ]);
    expect(targetOfDecision(new Harness(built).first({ tags: { a: 'x', b: 'no' } }))).toBe(1);
  });

  it('no match and no default: the gateway answers 400 and no target is tried, even under a fallback', () => {
    const inner = conditional([{ query: { 'metadata.plan': 'paid' }, then: 'smart' }]);
    expect(pk(inner).first()).toEqual({ type: 'stop', reason: 'portkey: conditional matched no condition and has no default: the gateway answers 400' });
    const outer = pk({ strategy: { mode: 'fallback' }, targets: [OA, inner] }).request();
    outer.decide('arrival');
    expect(outer.fail('server_error')).toEqual({ type: 'stop', reason: 'portkey: conditional matched no condition and has no default: the gateway answers 400' });
  });

  it('does not fail over; a conditional inside a fallback hands its status up', () => {
    const inner = conditional([{ query: { 'metadata.plan': 'paid' }, then: 'smart' }], 'fast');
    const req = pk({ strategy: { mode: 'fallback' }, targets: [inner, { ...GG, name: 'backup' }] }).request({ tags: { plan: 'paid' } });
    expect(req.decide('arrival')).toMatchObject({ target: 1, reason: 'portkey: fallback targets[0] (1 of 2); conditional targets[0].targets[1] (condition 1, then "smart")' });
    expect(req.fail('overloaded')).toMatchObject({ target: 2, reason: 'portkey: fallback targets[1] after 529' });
    const alone = pk(inner).request({ tags: { plan: 'paid' } });
    alone.decide('arrival');
    expect(alone.fail('overloaded')).toEqual({ type: 'stop', reason: 'portkey: conditional config does not fail over (529)' });
  });
});
