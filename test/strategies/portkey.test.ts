import { describe, expect, it } from 'vitest';
import type { ErrorKind } from '../../src/providers/canonical.js';
import { failure, sentTargets } from './fake-context.js';
import { targetOfDecision } from './mini-engine.js';
import { AN, GG, OA, pk } from './portkey-helpers.js';
import { describeStrategy } from './strategy.case.js';

describeStrategy('portkey', (ids) => ({
  config: {
    strategy: { mode: 'fallback' },
    retry: { attempts: 1 },
    targets: [
      { name: 'primary', provider: 'openai', api_key: 'k' },
      { strategy: { mode: 'loadbalance' }, targets: [{ name: 'lb-a', provider: 'openai', weight: 2 }, { name: 'lb-b', provider: 'openai' }] },
    ],
  },
  targets: { primary: ids[0]!, 'lb-a': ids[1]!, 'lb-b': ids[2]! },
}));

const fallback3 = (strategy: Record<string, unknown> = {}) => ({ strategy: { mode: 'fallback', ...strategy }, targets: [OA, AN, GG] });

describe('portkey fallback', () => {
  it('tries targets in order with product-level reasons, and stops when all failed', () => {
    const req = pk(fallback3()).request();
    expect(req.decide('arrival')).toEqual({ type: 'send', target: 0, reason: 'portkey: fallback targets[0] (1 of 3)', timeoutMs: undefined });
    expect(req.fail('unavailable')).toMatchObject({ type: 'send', target: 1, reason: 'portkey: fallback targets[1] after 503' });
    expect(req.fail('overloaded')).toMatchObject({ type: 'send', target: 2, reason: 'portkey: fallback targets[2] after 529' });
    expect(req.fail('server_error')).toEqual({ type: 'stop', reason: 'portkey: fallback config exhausted, last status 500' });
  });

  it('by default fails over on every non-2xx, 4xx included (gateways.md: ran 400 → next target)', () => {
    const h = pk(fallback3());
    const kinds: [ErrorKind, number][] = [['invalid_request', 400], ['auth', 401], ['payment_required', 402], ['context_length', 400], ['quota_exhausted', 429], ['timeout', 408], ['connection_reset', 500]];
    for (const [kind, status] of kinds) {
      const req = h.request();
      req.decide('arrival');
      expect(req.fail(kind), kind).toMatchObject({ type: 'send', target: 1, reason: `portkey: fallback targets[1] after ${status}` });
    }
  });

  it('a truncated stream or invalid body arrives as HTTP 200: passed through, no fallback', () => {
    for (const kind of ['truncated', 'invalid_response'] as const) {
      const req = pk(fallback3()).request();
      req.decide('arrival');
      expect(req.fail(kind)).toEqual({ type: 'stop', reason: `portkey: ${kind} arrives as HTTP 200, passed through (no retry, no fallback)` });
    }
  });

  it('with on_status_codes, fails over only on those statuses', () => {
    const h = pk(fallback3({ on_status_codes: [429, 503] }));
    const a = h.request();
    a.decide('arrival');
    expect(a.fail('rate_limited')).toMatchObject({ type: 'send', target: 1, reason: 'portkey: fallback targets[1] after 429 (on_status_codes)' });
    // anthropic's overload is a 529, not listed
    expect(a.fail('overloaded')).toEqual({ type: 'stop', reason: 'portkey: no fallback on 529 (not in on_status_codes of config)' });
    const b = h.request();
    b.decide('arrival');
    expect(b.fail('overloaded')).toMatchObject({ type: 'send', target: 1, reason: 'portkey: fallback targets[1] after 503 (on_status_codes)' }); // openai's overload is a 503
    for (const kind of ['server_error', 'invalid_request', 'auth', 'timeout'] as const) {
      const c = h.request();
      c.decide('arrival');
      expect(c.fail(kind).type, kind).toBe('stop');
    }
  });

  it('skips targets an outer wrapper blocks; stops when every target is blocked', () => {
    const h = pk(fallback3());
    h.blockMask[0] = 1;
    const req = h.request();
    expect(req.decide('arrival')).toMatchObject({ type: 'send', target: 1, reason: 'portkey: fallback targets[1] (2 of 3)' });
    h.blockMask[2] = 1;
    expect(req.fail('server_error')).toEqual({ type: 'stop', reason: 'portkey: fallback config exhausted, last status 500' });
    h.blockMask[1] = 1;
    expect(h.first()).toEqual({ type: 'stop', reason: 'portkey: every target is blocked' });
  });
});

/** First-pick counts over `n` fresh requests. */
function counts(config: unknown, n: number, seed: number, block: number[] = []): number[] {
  const h = pk(config, { seed });
  for (const t of block) h.blockMask[t] = 1;
  const c = [0, 0, 0];
  for (let i = 0; i < n; i++) c[targetOfDecision(h.first())]!++;
  return c;
}
function within3Sigma(count: number, n: number, p: number, label: string) {
  const sigma = Math.sqrt(n * p * (1 - p));
  expect(Math.abs(count - n * p), `${label}: ${count} vs ${n * p} ± ${3 * sigma}`).toBeLessThanOrEqual(3 * sigma);
}

describe('portkey loadbalance', () => {
  it('shares over 12,000 seeded requests are within 3 sigma of the weights (default weight 1)', () => {
    const n = 12_000;
    const c = counts({ strategy: { mode: 'loadbalance' }, targets: [{ ...OA, weight: 3 }, AN, { ...GG, weight: 4 }] }, n, 42);
    within3Sigma(c[0]!, n, 3 / 8, 'oa');
    within3Sigma(c[1]!, n, 1 / 8, 'an');
    within3Sigma(c[2]!, n, 4 / 8, 'gg');
  });

  it('two leaves with the same provider and model (two API keys) map to two targets by their place in the config', () => {
    // The loadbalance example of https://portkey.ai/docs/product/ai-gateway/load-balancing, with two OpenAI keys
    const config = { strategy: { mode: 'loadbalance' }, targets: [{ provider: 'openai', api_key: 'key-a', weight: 0.75 }, { provider: 'openai', api_key: 'key-b', weight: 0.25 }] };
    const n = 8_000;
    const h = pk(config, { seed: 5, targets: { 'config.targets[0]': 'oa', 'targets[1]': 'gg' } });
    const c = [0, 0, 0];
    for (let i = 0; i < n; i++) c[targetOfDecision(h.first())]!++;
    within3Sigma(c[0]!, n, 0.75, 'key-a');
    within3Sigma(c[2]!, n, 0.25, 'key-b');
  });

  it('weight 0 is never picked; blocked targets are left out and the rest renormalised', () => {
    const n = 10_000;
    const zero = counts({ strategy: { mode: 'loadbalance' }, targets: [{ ...OA, weight: 0 }, AN, GG] }, n, 7);
    expect(zero[0]).toBe(0);
    within3Sigma(zero[1]!, n, 0.5, 'an');
    const blocked = counts({ strategy: { mode: 'loadbalance' }, targets: [{ ...OA, weight: 1 }, { ...AN, weight: 2 }, { ...GG, weight: 7 }] }, n, 9, [2]);
    expect(blocked[2]).toBe(0);
    within3Sigma(blocked[0]!, n, 1 / 3, 'oa');
  });

  it('never fails over: one attempt per request, whatever the error', () => {
    const h = pk({ strategy: { mode: 'loadbalance' }, targets: [{ ...OA, weight: 3 }, AN] }, { seed: 3 });
    const firsts = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const req = h.request();
      const first = req.decide('arrival');
      firsts.add(targetOfDecision(first));
      expect(first.reason).toBe(targetOfDecision(first) === 0 ? 'portkey: loadbalance picked targets[0] (weight 3/4)' : 'portkey: loadbalance picked targets[1] (weight 1/4)');
      expect(req.fail('unavailable')).toEqual({ type: 'stop', reason: 'portkey: loadbalance config does not fail over (503)' });
    }
    expect([...firsts].sort()).toEqual([0, 1]);
  });
});

describe('portkey nesting', () => {
  it('fallback inside loadbalance: the picked group fails over inside itself, the other does not', () => {
    const config = { strategy: { mode: 'loadbalance' }, targets: [{ strategy: { mode: 'fallback' }, targets: [OA, AN] }, GG] };
    const h = pk(config, { seed: 11 });
    let grouped = 0;
    for (let i = 0; i < 300; i++) {
      const req = h.request();
      const first = req.decide('arrival');
      if (targetOfDecision(first) === 0) {
        grouped++;
        expect(first.reason).toBe('portkey: loadbalance picked targets[0] (weight 1/2); fallback targets[0].targets[0] (1 of 2)');
        expect(req.fail('server_error')).toMatchObject({ type: 'send', target: 1, reason: 'portkey: fallback targets[0].targets[1] after 500' });
        expect(req.fail('server_error')).toEqual({ type: 'stop', reason: 'portkey: fallback targets[0] exhausted, last status 500' });
      } else {
        expect(first).toMatchObject({ target: 2, reason: 'portkey: loadbalance picked targets[1] (weight 1/2)' });
        expect(req.fail('server_error')).toEqual({ type: 'stop', reason: 'portkey: loadbalance config does not fail over (500)' });
      }
    }
    within3Sigma(grouped, 300, 0.5, 'group');
  });

  it('loadbalance inside fallback, three levels deep: the group answers once, then the outer fallback moves on', () => {
    const inner = { strategy: { mode: 'fallback', on_status_codes: [429] }, targets: [OA, AN] };
    const config = { strategy: { mode: 'fallback' }, targets: [{ strategy: { mode: 'loadbalance' }, targets: [inner, { ...AN, weight: 0 }] }, GG] };
    const req = pk(config).request();
    expect(req.decide('arrival')).toMatchObject({ target: 0, reason: 'portkey: fallback targets[0] (1 of 2); loadbalance picked targets[0].targets[0] (weight 1/1); fallback targets[0].targets[0].targets[0] (1 of 2)' });
    // 500 is not in the inner codes: the inner fallback answers 500, loadbalance passes it up, the root fails over on any non-2xx
    expect(req.fail('server_error')).toMatchObject({ type: 'send', target: 2, reason: 'portkey: fallback targets[1] after 500' });
    expect(req.fail(failure('rate_limited'))).toEqual({ type: 'stop', reason: 'portkey: fallback config exhausted, last status 429' });
    expect(sentTargets(req.decisions)).toEqual([0, 2]);
  });

  it('single uses targets[0]; a config without strategy is one provider', () => {
    const single = pk({ strategy: { mode: 'single' }, targets: [AN, OA] }).request();
    expect(single.decide('arrival')).toMatchObject({ target: 1, reason: 'portkey: single targets[0]' });
    expect(single.fail('server_error')).toEqual({ type: 'stop', reason: 'portkey: single config does not fail over (500)' });
    const leaf = pk(GG).request();
    expect(leaf.decide('arrival')).toMatchObject({ target: 2, reason: 'portkey: single provider config' });
    expect(leaf.fail('bad_gateway')).toEqual({ type: 'stop', reason: 'portkey: single provider config failed (502)' });
  });

  it('override_params.model selects the target, inherited down the tree (child wins)', () => {
    const config = { strategy: { mode: 'fallback' }, override_params: { model: 'gemini-2.0-flash', temperature: 0.2 }, targets: [{ provider: 'google' }, { provider: 'openai', override_params: { model: 'gpt-4o-mini' } }] };
    const req = pk(config).request();
    expect(req.decide('arrival')).toMatchObject({ target: 2 });
    expect(req.fail('server_error')).toMatchObject({ target: 0 });
  });
});
