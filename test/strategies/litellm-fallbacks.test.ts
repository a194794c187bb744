/** Fallbacks of the litellm strategy by error class (gateways.md §2.3 "Fallbacks"). */
import { describe, expect, it } from 'vitest';
import type { ErrorKind } from '../../src/providers/canonical.js';
import type { Decision } from '../../src/strategies/strategy.js';
import type { FakeRequest } from './fake-context.js';
import { baseList, lite, target } from './litellm-helpers.js';

const G = 'gpt-4o-mini';
const withSettings = (router_settings: Record<string, unknown>) => lite({ model_list: baseList({ oa: { weight: 1 }, az: { weight: 1 } }), router_settings });

/** Fails every attempt of `req` with `kind` (following 0 s retries) until a decision is not a same-group send. */
function failGroup(req: FakeRequest, kind: ErrorKind, groupTargets: readonly number[]): Decision {
  let d = req.fail(kind);
  for (let i = 0; i < 20 && d.type === 'send' && groupTargets.includes(d.target) && !d.reason.includes('fallback'); i++) d = req.fail(kind);
  return d;
}

describe('litellm: fallbacks', () => {
  it('after num_retries fail, the next group in fallbacks', () => {
    const h = withSettings({ num_retries: 1, fallbacks: [{ [G]: ['claude'] }] });
    const req = h.request({ route: G });
    req.decide('arrival');
    expect(req.fail('server_error')).toMatchObject({ type: 'send', reason: 'litellm: retry 1 of 1 in group gpt-4o-mini' });
    expect(req.fail('server_error')).toEqual({ type: 'send', target: 2, reason: 'litellm: fallback to group claude after server_error', timeoutMs: undefined });
  });

  it('a fallback group gets its own retries, then its own fallbacks, at most max_fallbacks deep', () => {
    const settings = { num_retries: 0, fallbacks: [{ [G]: ['claude'] }, { claude: ['big'] }] };
    const deep = withSettings(settings).request({ route: G });
    deep.decide('arrival');
    expect(target(deep.fail('server_error'))).toBe(2);
    expect(deep.fail('server_error')).toMatchObject({ target: 3, reason: 'litellm: fallback to group big after server_error' });
    expect(deep.fail('server_error')).toEqual({ type: 'stop', reason: 'litellm: every fallback failed' });
    const shallow = withSettings({ ...settings, max_fallbacks: 1 }).request({ route: G });
    shallow.decide('arrival');
    expect(target(shallow.fail('server_error'))).toBe(2);
    expect(shallow.fail('server_error')).toEqual({ type: 'stop', reason: 'litellm: every fallback failed' });
  });

  it('a fallback cycle repeats, bounded by max_fallbacks (only the failing group itself is skipped)', () => {
    const req = withSettings({ num_retries: 0, fallbacks: [{ [G]: ['claude'] }, { claude: [G] }] }).request({ route: G });
    let d = req.decide('arrival');
    while (d.type === 'send') d = req.fail('server_error');
    expect(d).toEqual({ type: 'stop', reason: 'litellm: every fallback failed' });
    expect(req.decisions.filter((x) => x.type === 'send').map((x) => (target(x) === 2 ? 'claude' : 'gpt'))).toEqual(['gpt', 'claude', 'gpt', 'claude', 'gpt', 'claude']);
  });

  it('a 429 with no healthy deployment left goes straight to fallbacks (no retry)', () => {
    const h = lite({ model_list: baseList({ oa: { weight: 1 }, az: { weight: 0 } }), router_settings: { fallbacks: [{ [G]: ['claude'] }] } });
    const first = h.request({ route: G });
    first.decide('arrival');
    expect(target(first.fail('rate_limited'))).toBe(1); // oa cools; az takes the retry
    first.end({ outcome: 'ok' });
    h.now = 1;
    const req = h.request({ route: G });
    expect(target(req.decide('arrival'))).toBe(1);
    expect(req.fail('rate_limited')).toMatchObject({ target: 2, reason: 'litellm: fallback to group claude after rate_limited' });
    h.now = 2;
    expect(h.first({ route: G })).toMatchObject({ target: 2, reason: 'litellm: fallback to group claude after no deployments available' });
  });

  it('context_window_fallbacks on context_length only; other errors use fallbacks', () => {
    const settings = { context_window_fallbacks: [{ [G]: ['big'] }], fallbacks: [{ [G]: ['claude'] }] };
    const cw = withSettings(settings).request({ route: G });
    cw.decide('arrival');
    expect(cw.fail('context_length')).toMatchObject({ target: 3, reason: 'litellm: fallback to group big after context_length' });
    const other = withSettings(settings).request({ route: G });
    other.decide('arrival');
    expect(failGroup(other, 'server_error', [0, 1])).toMatchObject({ target: 2, reason: 'litellm: fallback to group claude after server_error' });
  });

  it('context_length without context_window_fallbacks: retried, then the generic fallbacks', () => {
    const req = withSettings({ fallbacks: [{ [G]: ['claude'] }] }).request({ route: G });
    req.decide('arrival');
    expect(req.fail('context_length')).toMatchObject({ type: 'send', reason: 'litellm: retry 1 of 2 in group gpt-4o-mini' });
    expect(failGroup(req, 'context_length', [0, 1])).toMatchObject({ target: 2, reason: 'litellm: fallback to group claude after context_length' });
  });

  it('context_window_fallbacks configured but not for this group: no fallback at all', () => {
    const req = withSettings({ context_window_fallbacks: [{ claude: ['big'] }], fallbacks: [{ [G]: ['claude'] }] }).request({ route: G });
    req.decide('arrival');
    expect(req.fail('context_length')).toEqual({ type: 'stop', reason: 'litellm: group gpt-4o-mini failed (context_length); no fallback' });
  });

  it('content_policy_fallbacks on content_policy; a plain 400 never falls back', () => {
    const settings = { content_policy_fallbacks: [{ [G]: ['claude'] }], fallbacks: [{ [G]: ['big'] }] };
    const cp = withSettings(settings).request({ route: G });
    cp.decide('arrival');
    expect(cp.fail('content_policy')).toMatchObject({ target: 2, reason: 'litellm: fallback to group claude after content_policy' });
    const bad = withSettings(settings).request({ route: G });
    bad.decide('arrival');
    expect(failGroup(bad, 'invalid_request', [0, 1])).toEqual({ type: 'stop', reason: 'litellm: invalid_request is a 400; LiteLLM does not fall back' });
    expect(bad.decisions.filter((d) => d.type === 'send')).toHaveLength(3); // but it was retried
  });

  it('default_fallbacks (and "*") apply to groups without their own entry', () => {
    const h = withSettings({ num_retries: 0, default_fallbacks: ['big'], fallbacks: [{ [G]: ['claude'] }] });
    const own = h.request({ route: G });
    own.decide('arrival');
    expect(target(own.fail('server_error'))).toBe(2);
    const other = h.request({ route: 'claude' });
    other.decide('arrival');
    expect(other.fail('server_error')).toMatchObject({ target: 3, reason: 'litellm: fallback to group big after server_error' });
  });

  it('enable_pre_call_checks: a prompt larger than every context window is a context-window error before any call', () => {
    const settings = { enable_pre_call_checks: true, context_window_fallbacks: [{ [G]: ['big'] }] };
    expect(withSettings(settings).first({ route: G, inputTokens: 200_000 })).toMatchObject({ target: 3, reason: 'litellm: fallback to group big after context window (pre-call check)' });
    expect(target(withSettings({ context_window_fallbacks: settings.context_window_fallbacks }).first({ route: G, inputTokens: 200_000 }))).toBeLessThan(2);
  });

  it('enable_pre_call_checks: only the lowest order is used while it is healthy', () => {
    const h = lite({ model_list: baseList({ oa: { order: 2 }, az: { order: 1 } }), router_settings: { enable_pre_call_checks: true, num_retries: 0 } });
    for (let i = 0; i < 20; i++) expect(target(h.first({ route: G }))).toBe(1);
  });
});
