/**
 * What a call reads of its abort signal: whether it fired, why, and an 'abort' listener. Every
 * AbortSignal is one; `CallCancel` is one without an AbortController or EventTarget behind it.
 * A replay makes one cancel source per attempt (hedge lost, interrupt) and the call guard another
 * (timeouts); as AbortControllers with event listeners, creating them and adding and removing
 * their listeners took ~7% of the streamed replay client's CPU at 5,000 calls/s. The undici
 * client needs no AbortSignal at all (it aborts through its own dispatch controller); only the
 * `fetch` client makes one, from the guard, when it asks for it.
 */

export type AbortListener = () => void;

export interface CancelSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  /** As AbortSignal's: called once when the signal fires (not when it already has). */
  addEventListener(type: 'abort', listener: AbortListener, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: AbortListener): void;
}

/**
 * One abort source: `abort(reason)` fires it once, calling each listener in the order added.
 * Listeners live in one slot and, past the first, in an array (a call has one).
 */
export class CallCancel implements CancelSignal {
  aborted = false;
  reason: unknown = undefined;
  private listener: AbortListener | undefined = undefined;
  private listeners: AbortListener[] | undefined = undefined;

  addEventListener(_type: 'abort', listener: AbortListener): void {
    if (this.aborted) return;
    if (this.listener === undefined && this.listeners === undefined) this.listener = listener;
    else (this.listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: AbortListener): void {
    if (this.listener === listener) this.listener = undefined;
    else if (this.listeners) {
      const k = this.listeners.indexOf(listener);
      if (k >= 0) this.listeners.splice(k, 1);
    }
  }

  /** Fires once (later calls do nothing); the default reason is an AbortError, as AbortController's. */
  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
    const first = this.listener;
    const more = this.listeners;
    this.listener = this.listeners = undefined;
    first?.();
    if (more) for (const l of more) l();
  }
}

/** A real AbortSignal that follows `s` (for `fetch`): `s` itself when it is one. */
export function abortSignalOf(s: CancelSignal): AbortSignal {
  if (s instanceof AbortSignal) return s;
  const c = new AbortController();
  if (s.aborted) c.abort(s.reason);
  else s.addEventListener('abort', () => c.abort(s.reason), { once: true });
  return c.signal;
}
