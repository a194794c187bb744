/** Retry counts and timing of the litellm strategy (gateways.md §2.3 "Retries"). */
import { describe, expect, it } from 'vitest';
import { baseList, lite } from './litellm-helpers.js';

const G = 'gpt-4o-mini';
/** oa takes every first pick while healthy (az has weight 0). */
const oaFirst = (router_settings: Record<string, unknown> = {}) => lite({ model_list: baseList({ oa: { weight: 1 }, az: { weight: 0 } }), router_settings });

describe('litellm: retry timing', () => {
  it('0 s before a retry while the group has another healthy deployment', () => {
    const h = lite({ model_list: baseList({ oa: { weight: 1 }, az: { weight: 1 } }), router_settings: { num_retries: 3 } });
    const req = h.request({ route: G });
    req.decide('arrival');
    for (let k = 1; k <= 3; k++) expect(req.fail({ outcome: 'error', errorKind: 'server_error', retryAfterMs: 10_000 })).toMatchObject({ type: 'send', reason: `litellm: retry ${k} of 3 in group gpt-4o-mini` });
    expect(req.fail('server_error')).toEqual({ type: 'stop', reason: 'litellm: group gpt-4o-mini failed (server_error); no fallback' });
    expect(req.decisions.filter((d) => d.type === 'send')).toHaveLength(4);
  });

  it('a one-deployment group backs off exponentially (0.5 s doubling, −25% jitter), and sleeps after the last retry too', () => {
    const h = oaFirst();
    const req = h.request({ route: 'claude' });
    req.decide('arrival');
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      const d = req.fail('server_error');
      expect(d).toMatchObject({ type: 'wait', reason: 'litellm: retry backoff (exponential)' });
      waits.push((d as { ms: number }).ms);
      h.now += (d as { ms: number }).ms;
      const next = req.decide('timer');
      expect(next.type, `after wait ${i}`).toBe(i < 2 ? 'send' : 'stop');
    }
    // remaining retries 2, 2, 1 of 2: the first two sleeps share the exponent (LiteLLM's counting)
    expect(waits[0]).toBeGreaterThanOrEqual(375);
    expect(waits[0]).toBeLessThanOrEqual(500);
    expect(waits[1]).toBeGreaterThanOrEqual(375);
    expect(waits[1]).toBeLessThanOrEqual(500);
    expect(waits[2]).toBeGreaterThanOrEqual(750);
    expect(waits[2]).toBeLessThanOrEqual(1000);
  });

  it('retry_after is the minimum sleep; a retry-after over 60 s is ignored', () => {
    const h = oaFirst({ retry_after: 2 });
    const req = h.request({ route: 'claude' });
    req.decide('arrival');
    expect(req.fail({ outcome: 'error', errorKind: 'rate_limited', retryAfterMs: 1000 })).toEqual({ type: 'wait', ms: 2000, reason: 'litellm: retry backoff (retry_after minimum)' });
    const r2 = oaFirst().request({ route: 'claude' });
    r2.decide('arrival');
    expect(r2.fail({ outcome: 'error', errorKind: 'rate_limited', retryAfterMs: 61_000 })).toMatchObject({ type: 'wait', reason: 'litellm: retry backoff (exponential)' });
  });

  it('retry_policy and model_group_retry_policy set the retries per error class', () => {
    const h = oaFirst({ retry_policy: { RateLimitErrorRetries: 0, InternalServerErrorRetries: 1 }, model_group_retry_policy: { claude: { RateLimitErrorRetries: 4 } } });
    const a = h.request({ route: G });
    a.decide('arrival');
    expect(a.fail('rate_limited')).toEqual({ type: 'stop', reason: 'litellm: group gpt-4o-mini failed (rate_limited); no fallback' });
    const b = h.request({ route: G });
    b.decide('arrival');
    expect(b.fail('server_error')).toMatchObject({ type: 'send', reason: 'litellm: retry 1 of 1 in group gpt-4o-mini' });
    const c = h.request({ route: 'claude' });
    c.decide('arrival');
    expect(c.fail({ outcome: 'error', errorKind: 'rate_limited', retryAfterMs: 100 })).toMatchObject({ type: 'wait', ms: 100 });
    h.now += 100;
    expect(c.decide('timer')).toMatchObject({ reason: 'litellm: retry 1 of 4 in group claude' });
  });

  it('NotFound and auth errors in a one-deployment group are not retried; a stream that already streamed is not either', () => {
    const h = oaFirst();
    const nf = h.request({ route: 'claude' });
    nf.decide('arrival');
    expect(nf.fail('auth')).toMatchObject({ type: 'stop' });
    const s = h.request({ route: G, stream: true });
    s.decide('arrival');
    expect(s.fail({ outcome: 'error', errorKind: 'truncated', ttftMs: 300 })).toEqual({ type: 'stop', reason: 'litellm: stream failed after its first token (no retry mid-stream)' });
  });
});
