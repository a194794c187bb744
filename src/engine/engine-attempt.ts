/**
 * The engine's record of one attempt and of one request in progress. An attempt is the only row
 * the engine emits; request outcomes are derived from attempts in SQL.
 */
import type { ErrorKind, Outcome } from '../providers/canonical.js';
import type { AttemptView } from '../strategies/strategy.js';
import type { TrafficRequest } from '../traffic/traffic-request.js';

export class EngineAttempt implements AttemptView {
  outcome: Outcome = 'ok';
  errorKind: ErrorKind | undefined = undefined;
  status = 0;
  retryable = false;
  retryAfterMs: number | undefined = undefined;
  endMs = 0;
  /** Absolute time the first token arrived (streamed attempts), NaN if none. */
  firstTokenAt = NaN;
  tokensIn = 0;
  tokensCached = 0;
  tokensOut = 0;
  costUsd = 0;
  /** Index of the incident that caused a failure, or -1. */
  incident = -1;
  /** When the transport will report the end (simulate: sampled), Infinity if never. */
  dueAt = 0;
  /** Cancelled (hedge lost, run interrupted): its completion event is ignored. */
  cancelled = false;
  /** Scratch for the transport (simulate: the sampled draw). */
  generated = 0;
  tokensPerMs = 0;
  ttftAfter = NaN;

  constructor(
    readonly request: TrafficRequest,
    readonly owner: RequestState,
    readonly target: number,
    readonly attempt: number,
    /** The k-th attempt of this request on this target (common-random-number key). */
    readonly attemptOnTarget: number,
    readonly sentMs: number,
    readonly timeoutMs: number,
    readonly reason: string,
  ) {}

  get ttftMs(): number | undefined {
    const t = this.firstTokenAt - this.sentMs;
    return t === t ? t : undefined;
  }
}

export class RequestState {
  /** Finished attempts, in the order they ended. */
  readonly attempts: EngineAttempt[] = [];
  /** Attempts in flight. */
  readonly pending: EngineAttempt[] = [];
  /** Every attempt in the order it was sent (for row output). */
  readonly sent: EngineAttempt[] = [];
  /** Per-request strategy state slots. */
  readonly slots: unknown[];
  /** Generation of the armed timer; a fired timer with another generation is stale. */
  timerGen = 0;
  stopped = false;
  done = false;
  succeeded = false;
  stopReason = '';
  decisions = 0;
  /** Slot in the driver's table (simulate: index for timer events). */
  id = -1;

  constructor(readonly request: TrafficRequest, slotCount: number) {
    this.slots = slotCount > 0 ? new Array(slotCount) : [];
  }
}
