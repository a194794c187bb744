/**
 * The one abort signal of an HTTP attempt: it fires when the caller aborts, when the attempt's
 * timeout passes, or when a stream's first token is late, and says which. The guard is itself the
 * signal (a CallCancel: no AbortController, cancel-signal.ts); `signal`, a real AbortSignal for
 * `fetch`, is made only when asked for. At most two plain timers, all released by `clear()` the
 * moment the attempt ends. (It replaces
 * `AbortSignal.timeout` + `AbortSignal.any`: a timeout signal keeps its timer, and `any` its
 * bookkeeping, alive for the whole timeout, a minute by default, so at a few thousand attempts per
 * second a hundred thousand of them piled up and the garbage collector took a quarter of the CPU.)
 */
import { abortSignalOf, CallCancel, type CancelSignal } from './cancel-signal.js';

/** setTimeout's longest delay (longer ones fire at once, with a warning). */
const MAX_DELAY_MS = 2 ** 31 - 1;
const whole = (ms: number) => Math.min(MAX_DELAY_MS, Math.max(1, Math.ceil(ms)));

export type GuardCause = 'aborted' | 'timeout' | 'first-token';

export interface CallGuard extends CancelSignal {
  /** The same as an AbortSignal (made on first use; the guard itself is the cheaper signal). */
  readonly signal: AbortSignal;
  /** Why the signal fired; undefined while it has not. */
  readonly cause: GuardCause | undefined;
  /** The first token arrived: stop its deadline. */
  firstTokenSeen(): void;
  /** The attempt is over: stop every timer and stop listening to the caller. Idempotent. */
  clear(): void;
}

/** Listener options for the caller's signal (one object for every guard). */
const ONCE = { once: true } as const;

/**
 * A class, not a closure per call returning an object with a getter: at thousands of attempts a
 * second the per-call closures and accessor object cost two to three times the guard's own work.
 */
class Guard extends CallCancel implements CallGuard {
  private abortSignal: AbortSignal | undefined = undefined;
  cause: GuardCause | undefined = undefined;
  private total: ReturnType<typeof setTimeout> | undefined = undefined;
  private first: ReturnType<typeof setTimeout> | undefined = undefined;
  private readonly onCallerAbort = () => this.fire('aborted', this.caller.reason);

  constructor(
    private readonly caller: CancelSignal,
    timeoutMs: number,
    firstTokenMs: number | undefined,
  ) {
    super();
    if (caller.aborted) {
      this.fire('aborted', caller.reason);
      return;
    }
    caller.addEventListener('abort', this.onCallerAbort, ONCE);
    this.total = setTimeout(fireTimeout, whole(timeoutMs), this);
    if (firstTokenMs !== undefined && Number.isFinite(firstTokenMs)) this.first = setTimeout(fireFirstToken, whole(firstTokenMs), this);
  }

  get signal(): AbortSignal {
    return (this.abortSignal ??= abortSignalOf(this));
  }

  fire(why: GuardCause, reason: unknown): void {
    if (this.cause) return;
    this.cause = why;
    this.clear();
    this.abort(reason);
  }

  firstTokenSeen(): void {
    if (this.first) clearTimeout(this.first);
    this.first = undefined;
  }

  clear(): void {
    if (this.total) clearTimeout(this.total);
    if (this.first) clearTimeout(this.first);
    this.total = this.first = undefined;
    this.caller.removeEventListener('abort', this.onCallerAbort);
  }
}

function fireTimeout(g: Guard): void {
  g.fire('timeout', new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
}

function fireFirstToken(g: Guard): void {
  g.fire('first-token', new DOMException('no first token in time', 'TimeoutError'));
}

/**
 * `timeoutMs` and `firstTokenMs` are real milliseconds, rounded up to whole ones (at least 1, at
 * most setTimeout's ~24.8 days); no first-token deadline for undefined or Infinity.
 */
export function callGuard(caller: CancelSignal, timeoutMs: number, firstTokenMs?: number): CallGuard {
  return new Guard(caller, timeoutMs, firstTokenMs);
}
