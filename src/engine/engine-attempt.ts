/**
 * The engine's record of one attempt and of one request in progress. An attempt is the only row
 * the engine emits; request outcomes are derived from attempts in SQL.
 *
 * Both are pooled: a million requests would otherwise allocate a million of each and spend a
 * third of the run in the garbage collector. An AttemptView handed to a strategy is therefore
 * valid only during the call (strategies keep numbers, never the object).
 */
import type { ErrorKind, Outcome } from '../providers/canonical.js';
import type { AttemptView } from '../strategies/strategy.js';
import type { TrafficRequest } from '../traffic/traffic-request.js';

export class EngineAttempt implements AttemptView {
  request!: TrafficRequest;
  /**
   * The request as this attempt sends it: `request` itself, or a copy whose outputTokens the
   * strategy capped (Decision maxOutputTokens). Simulate draws and replay sends this one.
   */
  asSent!: TrafficRequest;
  owner!: RequestState;
  target = 0;
  attempt = 0;
  /** The k-th attempt of this request on this target (common-random-number key). */
  attemptOnTarget = 0;
  sentMs = 0;
  timeoutMs = 0;
  /** Streamed requests: time out when no content token has arrived by this long after sending. */
  firstTokenTimeoutMs = Infinity;
  reason = '';
  outcome: Outcome = 'ok';
  errorKind: ErrorKind | undefined = undefined;
  status = 0;
  retryable = false;
  retryAfterMs: number | undefined = undefined;
  endMs = 0;
  /** Absolute time the first token arrived, NaN if none. */
  firstTokenAt = NaN;
  tokensIn = 0;
  tokensCached = 0;
  tokensOut = 0;
  costUsd = 0;
  /** Index of the incident that caused a failure or slowed the attempt, or -1. */
  incident = -1;
  /** When the transport will report the end (simulate: sampled), Infinity if never. */
  dueAt = 0;
  /** Cancelled (hedge lost, run interrupted): its completion event is ignored. */
  cancelled = false;
  /** Its completion event is still queued: the object must not be reused before it pops. */
  queued = false;
  /** The request finished while the event was queued: return to the pool when it pops. */
  releaseOnPop = false;
  /** Scratch for the transport (simulate: from the sampled draw): output tokens of the whole reply, its pace and TTFT. */
  generated = 0;
  tokensPerMs = 0;
  ttftAfter = NaN;
  /** Replay: longest gap between two chunks of a streamed answer, scenario ms (NaN: not measured). */
  maxGapMs = NaN;
  /** Replay against routebench mocks: send → first byte beyond the mock's schedule, scenario ms (NaN: not measured). */
  harnessMs = NaN;
  /** The strategy's cap on the attempt's output (Decision maxOutputTokens), whole tokens; Infinity: none. */
  maxOutputTokens = Infinity;

  init(owner: RequestState, target: number, attempt: number, attemptOnTarget: number, sentMs: number, timeoutMs: number, reason: string, firstTokenTimeoutMs = Infinity, maxOutputTokens = Infinity): this {
    const request = owner.request;
    this.request = request;
    const cap = maxOutputTokens < Infinity ? Math.max(0, Math.floor(maxOutputTokens)) : Infinity;
    this.asSent = cap < request.outputTokens ? { ...request, outputTokens: cap } : request;
    this.maxOutputTokens = cap;
    this.owner = owner;
    this.target = target;
    this.attempt = attempt;
    this.attemptOnTarget = attemptOnTarget;
    this.sentMs = sentMs;
    this.timeoutMs = timeoutMs;
    this.firstTokenTimeoutMs = owner.request.stream ? firstTokenTimeoutMs : Infinity;
    this.reason = reason;
    this.outcome = 'ok';
    this.errorKind = undefined;
    this.status = 0;
    this.retryable = false;
    this.retryAfterMs = undefined;
    this.endMs = 0;
    this.firstTokenAt = NaN;
    this.tokensIn = 0;
    this.tokensCached = 0;
    this.tokensOut = 0;
    this.costUsd = 0;
    this.incident = -1;
    this.dueAt = 0;
    this.cancelled = false;
    this.queued = false;
    this.releaseOnPop = false;
    this.generated = 0;
    this.tokensPerMs = 0;
    this.ttftAfter = NaN;
    this.maxGapMs = NaN;
    this.harnessMs = NaN;
    return this;
  }

  get ttftMs(): number | undefined {
    const t = this.firstTokenAt - this.sentMs;
    return t === t ? t : undefined;
  }
}

export class RequestState {
  request!: TrafficRequest;
  /** Finished attempts, in the order they ended. */
  readonly attempts: EngineAttempt[] = [];
  /** Attempts in flight. */
  readonly pending: EngineAttempt[] = [];
  /** Every attempt in the order it was sent (for row output). */
  readonly sent: EngineAttempt[] = [];
  /** Per-request strategy state slots. */
  readonly slots: unknown[];
  /**
   * Generation of the armed timer; a fired timer with another generation is stale. Never reset,
   * so a timer left over from an earlier request that used this pooled object cannot match.
   */
  timerGen = 0;
  stopped = false;
  done = false;
  succeeded = false;
  stopReason = '';
  /** The stop was a policy refusal (Decision `refused`). */
  refused = false;
  decisions = 0;

  constructor(slotCount: number) {
    this.slots = new Array(slotCount).fill(undefined);
  }

  init(request: TrafficRequest): this {
    this.request = request;
    // pop() keeps each array's storage; `length = 0` would drop it and the next push allocate it again.
    while (this.attempts.length > 0) this.attempts.pop();
    while (this.pending.length > 0) this.pending.pop();
    while (this.sent.length > 0) this.sent.pop();
    this.slots.fill(undefined);
    this.stopped = false;
    this.done = false;
    this.succeeded = false;
    this.stopReason = '';
    this.refused = false;
    this.decisions = 0;
    return this;
  }
}

/** Free lists for requests and attempts. */
export class EnginePool {
  private readonly states: RequestState[] = [];
  private readonly attempts: EngineAttempt[] = [];

  constructor(private readonly slotCount: number) {}

  state(request: TrafficRequest): RequestState {
    return (this.states.pop() ?? new RequestState(this.slotCount)).init(request);
  }

  attempt(): EngineAttempt {
    return this.attempts.pop() ?? new EngineAttempt();
  }

  /** Returns a finished request and its attempts (those whose events already popped). */
  release(state: RequestState): void {
    for (const a of state.sent) {
      if (a.queued) a.releaseOnPop = true;
      else this.attempts.push(a);
    }
    this.states.push(state);
  }

  /** A cancelled attempt's event popped after its request was released. */
  releaseAttempt(a: EngineAttempt): void {
    this.attempts.push(a);
  }
}
