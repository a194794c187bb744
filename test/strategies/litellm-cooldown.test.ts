/** Cooldowns of the litellm strategy (gateways.md §2.3 "Cooldowns"). */
import { describe, expect, it } from 'vitest';
import type { Harness } from './fake-context.js';
import { baseList, lite, target } from './litellm-helpers.js';

const G = 'gpt-4o-mini';
/** oa takes every first pick while healthy (az has weight 0). */
const oaFirst = (router_settings: Record<string, unknown> = {}, seed = 1) => lite({ model_list: baseList({ oa: { weight: 1 }, az: { weight: 0 } }), router_settings }, {}, seed);
const firstTarget = (h: Harness, route = G) => {
  const req = h.request({ route });
  const t = target(req.decide('arrival'));
  req.end({ outcome: 'ok' });
  return t;
};

describe('litellm: cooldowns', () => {
  it('a 429 cools the deployment for cooldown_time (5 s by default); the retry goes to the other at once', () => {
    const h = oaFirst();
    const req = h.request({ route: G });
    expect(target(req.decide('arrival'))).toBe(0);
    expect(req.fail('rate_limited')).toEqual({ type: 'send', target: 1, reason: 'litellm: retry 1 of 2 in group gpt-4o-mini', timeoutMs: undefined });
    h.now = 4999;
    expect(firstTarget(h)).toBe(1);
    h.now = 5000;
    expect(firstTarget(h)).toBe(0);
  });

  it('a 429 does not cool the only deployment of its group; the retry waits for retry-after', () => {
    const h = oaFirst();
    const req = h.request({ route: 'claude' });
    expect(target(req.decide('arrival'))).toBe(2);
    expect(req.fail({ outcome: 'error', errorKind: 'rate_limited', retryAfterMs: 3000 })).toEqual({ type: 'wait', ms: 3000, reason: 'litellm: retry backoff (retry-after)' });
    h.now = 1;
    expect(firstTarget(h, 'claude')).toBe(2);
    h.now = 3000;
    expect(req.decide('timer')).toMatchObject({ type: 'send', target: 2, reason: 'litellm: retry 1 of 2 in group claude' });
  });

  it("the provider's retry-after replaces cooldown_time as the cooldown", () => {
    const h = oaFirst({ cooldown_time: 60 });
    const req = h.request({ route: G });
    req.decide('arrival');
    req.fail({ outcome: 'error', errorKind: 'rate_limited', retryAfterMs: 1000 });
    h.now = 999;
    expect(firstTarget(h)).toBe(1);
    h.now = 1000;
    expect(firstTarget(h)).toBe(0);
  });

  it('failure-rate rule: more than half of at least 5 calls this minute failed cools; 4 do not', () => {
    const h = oaFirst({ num_retries: 0 });
    for (let i = 0; i < 4; i++) {
      const req = h.request({ route: G });
      expect(target(req.decide('arrival'))).toBe(0);
      expect(req.fail('server_error')).toMatchObject({ type: 'stop' });
    }
    expect(firstTarget(h)).toBe(0); // 1 success, 4 failures: 80% of 5 calls, but the check runs on failures only
    const req = h.request({ route: G });
    req.decide('arrival');
    req.fail('server_error'); // 5 of 6 failed
    expect(firstTarget(h)).toBe(1);
    h.now = 5000;
    expect(firstTarget(h)).toBe(0);
  });

  it('the failure-rate rule never cools a one-deployment group; a 401 does (not retryable)', () => {
    const h = oaFirst({ num_retries: 0 });
    for (let i = 0; i < 10; i++) {
      const req = h.request({ route: 'claude' });
      expect(target(req.decide('arrival'))).toBe(2);
      req.fail('server_error');
    }
    const req = h.request({ route: 'claude' });
    req.decide('arrival');
    req.fail('auth');
    expect(h.first({ route: 'claude' })).toEqual({ type: 'stop', reason: 'litellm: group claude failed (no deployments available); no fallback' });
  });

  it('connection errors and other 4xx never cool', () => {
    const h = oaFirst({ num_retries: 0, allowed_fails: 0 });
    for (const kind of ['connection_reset', 'truncated', 'invalid_request', 'payment_required'] as const) {
      const req = h.request({ route: G });
      req.decide('arrival');
      req.fail(kind);
      expect(firstTarget(h), kind).toBe(0);
    }
  });

  it('allowed_fails / cooldown_time (legacy counter): cools when failures within cooldown_time exceed allowed_fails', () => {
    const h = oaFirst({ allowed_fails: 1, cooldown_time: 30 });
    const req = h.request({ route: G });
    expect(target(req.decide('arrival'))).toBe(0);
    expect(target(req.fail('server_error'))).toBe(0); // 1 failure: allowed; oa still healthy, retried at once
    expect(target(req.fail('server_error'))).toBe(1); // 2 > allowed_fails: oa cools for 30 s
    h.now = 29_999;
    expect(firstTarget(h)).toBe(1);
    h.now = 30_000;
    expect(firstTarget(h)).toBe(0);
  });

  it('legacy counter: failures further apart than cooldown_time do not add up', () => {
    const h = oaFirst({ allowed_fails: 1, cooldown_time: 10, num_retries: 0 });
    for (const t of [0, 10_000, 20_000]) {
      h.now = t;
      const req = h.request({ route: G });
      req.decide('arrival');
      req.fail('server_error');
      expect(firstTarget(h)).toBe(0);
    }
  });

  it('quirk: allowed_fails equal to the default (3) keeps the failure-rate rule; 2 selects the counter', () => {
    const failures = (allowed: number) => {
      const h = oaFirst({ allowed_fails: allowed, num_retries: 0 });
      for (let i = 0; i < 4; i++) {
        const req = h.request({ route: G });
        if (target(req.decide('arrival')) !== 0) return i;
        req.fail('server_error');
      }
      return 4;
    };
    expect(failures(3)).toBe(4); // never cooled within 4 calls
    expect(failures(2)).toBe(3); // cooled after the third failure
  });

  it('allowed_fails_policy by error class; disable_cooldowns; cooldown_time 0 on a deployment', () => {
    const h = oaFirst({ allowed_fails_policy: { RateLimitErrorAllowedFails: 5, InternalServerErrorAllowedFails: 0 }, num_retries: 0 });
    const req = h.request({ route: G });
    req.decide('arrival');
    req.fail('rate_limited');
    expect(firstTarget(h)).toBe(0); // 1 of 5 allowed 429s
    const off = oaFirst({ disable_cooldowns: true, num_retries: 0 });
    const r2 = off.request({ route: G });
    r2.decide('arrival');
    r2.fail('rate_limited');
    expect(firstTarget(off)).toBe(0);
    const zero = lite({ model_list: baseList({ oa: { weight: 1, cooldown_time: 0 }, az: { weight: 0 } }), router_settings: { num_retries: 0 } });
    const r3 = zero.request({ route: G });
    r3.decide('arrival');
    r3.fail('rate_limited');
    expect(firstTarget(zero)).toBe(0);
  });
});
