import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { callGuard } from '../../src/transport/call-guard.js';

describe('callGuard', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('fires on the attempt timeout (rounded up to whole ms), with a TimeoutError reason', () => {
    const g = callGuard(new AbortController().signal, 99.2);
    vi.advanceTimersByTime(99);
    expect([g.cause, g.signal.aborted]).toEqual([undefined, false]);
    vi.advanceTimersByTime(1);
    expect([g.cause, g.signal.aborted, (g.signal.reason as DOMException).name]).toEqual(['timeout', true, 'TimeoutError']);
  });

  it('fires on a late first token unless the token was seen; not for Infinity', () => {
    const late = callGuard(new AbortController().signal, 1000, 50);
    vi.advanceTimersByTime(50);
    expect(late.cause).toBe('first-token');
    const seen = callGuard(new AbortController().signal, 1000, 50);
    seen.firstTokenSeen();
    vi.advanceTimersByTime(999);
    expect(seen.cause).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(seen.cause).toBe('timeout');
    const none = callGuard(new AbortController().signal, 1000, Infinity);
    vi.advanceTimersByTime(999);
    expect(none.cause).toBeUndefined();
  });

  it("follows the caller's abort with its reason, also when the caller aborted before", () => {
    const caller = new AbortController();
    const g = callGuard(caller.signal, 1000);
    caller.abort('hedge lost');
    expect([g.cause, g.signal.reason]).toEqual(['aborted', 'hedge lost']);
    vi.advanceTimersByTime(2000);
    expect(g.cause).toBe('aborted'); // the first cause stays
    const early = callGuard(caller.signal, 1000);
    expect([early.cause, early.signal.aborted]).toEqual(['aborted', true]);
  });

  it('clear() stops every timer and stops listening to the caller', () => {
    const caller = new AbortController();
    const g = callGuard(caller.signal, 100, 50);
    g.clear();
    expect(vi.getTimerCount()).toBe(0);
    caller.abort();
    vi.advanceTimersByTime(1000);
    expect([g.cause, g.signal.aborted]).toEqual([undefined, false]);
  });
});
