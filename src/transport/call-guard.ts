/**
 * The one abort signal of an HTTP attempt: it fires when the caller aborts, when the attempt's
 * timeout passes, or when a stream's first token is late, and says which. One AbortController and
 * at most two plain timers, all released by `clear()` the moment the attempt ends. (It replaces
 * `AbortSignal.timeout` + `AbortSignal.any`: a timeout signal keeps its timer, and `any` its
 * bookkeeping, alive for the whole timeout, a minute by default, so at a few thousand attempts per
 * second a hundred thousand of them piled up and the garbage collector took a quarter of the CPU.)
 */

/** setTimeout's longest delay (longer ones fire at once, with a warning). */
const MAX_DELAY_MS = 2 ** 31 - 1;
const whole = (ms: number) => Math.min(MAX_DELAY_MS, Math.max(1, Math.ceil(ms)));

export type GuardCause = 'aborted' | 'timeout' | 'first-token';

export interface CallGuard {
  readonly signal: AbortSignal;
  /** Why the signal fired; undefined while it has not. */
  readonly cause: GuardCause | undefined;
  /** The first token arrived: stop its deadline. */
  firstTokenSeen(): void;
  /** The attempt is over: stop every timer and stop listening to the caller. Idempotent. */
  clear(): void;
}

/**
 * `timeoutMs` and `firstTokenMs` are real milliseconds, rounded up to whole ones (at least 1, at
 * most setTimeout's ~24.8 days); no first-token deadline for undefined or Infinity.
 */
export function callGuard(caller: AbortSignal, timeoutMs: number, firstTokenMs?: number): CallGuard {
  const controller = new AbortController();
  let cause: GuardCause | undefined;
  let total: ReturnType<typeof setTimeout> | undefined;
  let first: ReturnType<typeof setTimeout> | undefined;
  const fire = (why: GuardCause, reason: unknown) => {
    if (cause) return;
    cause = why;
    clear();
    controller.abort(reason);
  };
  const onCallerAbort = () => fire('aborted', caller.reason);
  const clear = () => {
    if (total) clearTimeout(total);
    if (first) clearTimeout(first);
    total = first = undefined;
    caller.removeEventListener('abort', onCallerAbort);
  };
  if (caller.aborted) fire('aborted', caller.reason);
  else {
    caller.addEventListener('abort', onCallerAbort, { once: true });
    total = setTimeout(() => fire('timeout', new DOMException('The operation was aborted due to timeout', 'TimeoutError')), whole(timeoutMs));
    if (firstTokenMs !== undefined && Number.isFinite(firstTokenMs))
      first = setTimeout(() => fire('first-token', new DOMException('no first token in time', 'TimeoutError')), whole(firstTokenMs));
  }
  return {
    signal: controller.signal,
    get cause() {
      return cause;
    },
    firstTokenSeen() {
      if (first) clearTimeout(first);
      first = undefined;
    },
    clear,
  };
}
