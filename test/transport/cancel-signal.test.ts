/**
 * CallCancel, the replay's abort source without an AbortController: it fires once, calls its
 * listeners in the order added (not removed ones, not after it fired), gives AbortController's
 * default reason, and the call guard follows it as it follows an AbortSignal.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { abortSignalOf, CallCancel } from '../../src/transport/cancel-signal.js';
import { callGuard } from '../../src/transport/call-guard.js';

describe('CallCancel', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('fires once, listeners in order, removed ones not called, none added after it fired', () => {
    const c = new CallCancel();
    const heard: string[] = [];
    const a = () => heard.push('a');
    const b = () => heard.push('b');
    const d = () => heard.push('d');
    c.addEventListener('abort', a);
    c.addEventListener('abort', b);
    c.addEventListener('abort', d);
    c.removeEventListener('abort', b);
    c.abort('why');
    c.abort('again');
    c.addEventListener('abort', () => heard.push('late'));
    expect([heard, c.aborted, c.reason]).toEqual([['a', 'd'], true, 'why']);
  });

  it("without a reason gives an AbortError, as AbortController does; abortSignalOf follows it", () => {
    const c = new CallCancel();
    const s = abortSignalOf(c);
    c.abort();
    const ac = new AbortController();
    ac.abort();
    expect([(c.reason as DOMException).name, s.aborted, s.reason]).toEqual([(ac.signal.reason as DOMException).name, true, c.reason]);
    expect(abortSignalOf(ac.signal)).toBe(ac.signal);
  });

  it('the call guard follows a CallCancel caller, and its own signal fires with it; clear() stops listening', () => {
    const caller = new CallCancel();
    const g = callGuard(caller, 1000);
    const heard: unknown[] = [];
    g.addEventListener('abort', () => heard.push(g.reason));
    caller.abort('hedge lost');
    expect([g.cause, g.aborted, g.signal.aborted, g.signal.reason, heard]).toEqual(['aborted', true, true, 'hedge lost', ['hedge lost']]);
    const other = new CallCancel();
    const h = callGuard(other, 100);
    h.clear();
    other.abort();
    vi.advanceTimersByTime(1000);
    expect([h.cause, h.aborted]).toEqual([undefined, false]);
  });

  it('the guard fires on its timeout as a CancelSignal too', () => {
    const g = callGuard(new CallCancel(), 10);
    let n = 0;
    g.addEventListener('abort', () => n++);
    vi.advanceTimersByTime(10);
    expect([g.cause, n, (g.reason as DOMException).name]).toEqual(['timeout', 1, 'TimeoutError']);
  });
});
