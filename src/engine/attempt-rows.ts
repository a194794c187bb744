/**
 * Columnar buffer of attempt rows (typed arrays), filled by the engine and handed to the store
 * in batches. Strings that repeat (decision reasons, tag sets, routes) are interned per run into
 * small dictionaries; rows carry their numbers. NULLs: NaN for doubles, -1 for integers.
 */
import { ErrorKindCode, Outcome, type ErrorKind } from '../providers/canonical.js';
import type { EngineAttempt, RequestState } from './engine-attempt.js';
import { tagKey, type Tags } from '../traffic/traffic-request.js';

export const ROW_BATCH = 16_384;


/** One batch of rows, column by column. Only the first `length` entries are valid. */
export interface AttemptBatch {
  runNo: number;
  length: number;
  requestNo: Int32Array;
  attemptNo: Int32Array;
  targetNo: Int32Array;
  scheduledMs: Float64Array;
  sentMs: Float64Array;
  firstTokenMs: Float64Array;
  endMs: Float64Array;
  outcome: Uint8Array;
  httpStatus: Int32Array;
  errorKind: Int32Array;
  retryable: Uint8Array;
  retryAfterMs: Float64Array;
  tokensIn: Int32Array;
  tokensCached: Int32Array;
  tokensOut: Int32Array;
  costUsd: Float64Array;
  reasonNo: Int32Array;
  tagsetNo: Int32Array;
  routeNo: Int32Array;
  stream: Uint8Array;
  incidentNo: Int32Array;
  /** Replay: longest gap between two chunks of a stream (NaN: not measured). */
  maxGapMs: Float64Array;
  /** Replay against routebench mocks: the harness's own send → first-byte time, scenario ms (NaN: not measured). */
  harnessMs: Float64Array;
}

export function newBatch(runNo: number, capacity = ROW_BATCH): AttemptBatch {
  return {
    runNo,
    length: 0,
    requestNo: new Int32Array(capacity),
    attemptNo: new Int32Array(capacity),
    targetNo: new Int32Array(capacity),
    scheduledMs: new Float64Array(capacity),
    sentMs: new Float64Array(capacity),
    firstTokenMs: new Float64Array(capacity),
    endMs: new Float64Array(capacity),
    outcome: new Uint8Array(capacity),
    httpStatus: new Int32Array(capacity),
    errorKind: new Int32Array(capacity),
    retryable: new Uint8Array(capacity),
    retryAfterMs: new Float64Array(capacity),
    tokensIn: new Int32Array(capacity),
    tokensCached: new Int32Array(capacity),
    tokensOut: new Int32Array(capacity),
    costUsd: new Float64Array(capacity),
    reasonNo: new Int32Array(capacity),
    tagsetNo: new Int32Array(capacity),
    routeNo: new Int32Array(capacity),
    stream: new Uint8Array(capacity),
    incidentNo: new Int32Array(capacity),
    maxGapMs: new Float64Array(capacity),
    harnessMs: new Float64Array(capacity),
  };
}

/** Per-run string dictionaries. */
export class Dictionaries {
  readonly reasons = new Interner<string>((s) => s, 100_000, '(more distinct reasons than routebench keeps; reasons should not embed per-request numbers)');
  readonly tagsets = new Interner<Tags>(tagKey, 1_000_000, { overflow: 'true' });
  readonly routes = new Interner<string>((s) => s, 100_000, '(too many routes)');
}

export class Interner<T> {
  private readonly ids = new Map<string, number>();
  /** Identity shortcut: the same object (a shared tag set) skips building its key. */
  private readonly byRef = new Map<T, number>();
  readonly values: T[] = [];
  constructor(private readonly key: (v: T) => string, private readonly cap: number, private readonly overflow: T) {}

  id(value: T): number {
    const known = this.byRef.get(value);
    if (known !== undefined) return known;
    const k = this.key(value);
    let id = this.ids.get(k);
    if (id === undefined) {
      if (this.values.length >= this.cap) return this.id(this.overflow);
      id = this.values.length;
      this.ids.set(k, id);
      this.values.push(value);
    }
    if (this.byRef.size < 10_000) this.byRef.set(value, id);
    return id;
  }
}

/**
 * Hands a full batch to the store. A consumer that is done with the batch when it returns
 * (a synchronous append) returns it for reuse; one that keeps it (a transfer to another thread)
 * returns a spare batch or nothing.
 */
export type BatchSink = (batch: AttemptBatch) => AttemptBatch | void;

/** Fills batches from finished requests and hands each full batch to `flush`. */
export class AttemptRows {
  private batch: AttemptBatch;
  readonly dict = new Dictionaries();
  rows = 0;
  requests = 0;

  constructor(private readonly runNo: number, private readonly flush: BatchSink, private readonly capacity = ROW_BATCH) {
    this.batch = newBatch(runNo, capacity);
  }

  private handOver(): void {
    const back = this.flush(this.batch);
    if (back) {
      back.length = 0;
      back.runNo = this.runNo;
      this.batch = back;
    } else this.batch = newBatch(this.runNo, this.capacity);
  }

  /** Writes every attempt of a finished request, then a `gave_up` row if it did not succeed. */
  addRequest(state: RequestState, now: number): void {
    const req = state.request;
    const tagset = this.dict.tagsets.id(req.tags);
    const route = this.dict.routes.id(req.route);
    for (const a of state.sent) this.addAttempt(a, tagset, route);
    if (!state.succeeded) {
      const b = this.room();
      const i = b.length++;
      const last = state.attempts[state.attempts.length - 1];
      b.requestNo[i] = req.index;
      b.attemptNo[i] = state.sent.length;
      b.targetNo[i] = -1;
      b.scheduledMs[i] = req.arrivalMs;
      b.sentMs[i] = now;
      b.firstTokenMs[i] = NaN;
      b.endMs[i] = now;
      b.outcome[i] = Outcome.gave_up;
      b.httpStatus[i] = -1;
      b.errorKind[i] = ErrorKindCode[last?.errorKind ?? (last ? 'timeout' : 'gateway_blocked') as ErrorKind];
      b.retryable[i] = 0;
      b.retryAfterMs[i] = NaN;
      b.tokensIn[i] = 0;
      b.tokensCached[i] = 0;
      b.tokensOut[i] = 0;
      b.costUsd[i] = 0;
      b.reasonNo[i] = this.dict.reasons.id(state.stopReason || 'stopped');
      b.tagsetNo[i] = tagset;
      b.routeNo[i] = route;
      b.stream[i] = req.stream ? 1 : 0;
      b.incidentNo[i] = -1;
      b.maxGapMs[i] = NaN;
      b.harnessMs[i] = NaN;
      this.rows++;
    }
    this.requests++;
  }

  private addAttempt(a: EngineAttempt, tagset: number, route: number): void {
    const b = this.room();
    const i = b.length++;
    b.requestNo[i] = a.request.index;
    b.attemptNo[i] = a.attempt;
    b.targetNo[i] = a.target;
    b.scheduledMs[i] = a.request.arrivalMs;
    b.sentMs[i] = a.sentMs;
    b.firstTokenMs[i] = a.request.stream && a.firstTokenAt <= a.endMs ? a.firstTokenAt : NaN;
    b.endMs[i] = a.endMs;
    b.outcome[i] = Outcome[a.outcome];
    b.httpStatus[i] = a.status > 0 ? a.status : -1;
    b.errorKind[i] = a.errorKind === undefined ? -1 : ErrorKindCode[a.errorKind];
    b.retryable[i] = a.retryable ? 1 : 0;
    b.retryAfterMs[i] = a.retryAfterMs ?? NaN;
    b.tokensIn[i] = a.tokensIn;
    b.tokensCached[i] = a.tokensCached;
    b.tokensOut[i] = a.tokensOut;
    b.costUsd[i] = a.costUsd;
    b.reasonNo[i] = this.dict.reasons.id(a.reason);
    b.tagsetNo[i] = tagset;
    b.routeNo[i] = route;
    b.stream[i] = a.request.stream ? 1 : 0;
    b.incidentNo[i] = a.incident;
    b.maxGapMs[i] = a.maxGapMs;
    b.harnessMs[i] = a.harnessMs;
    this.rows++;
  }

  countRequest(): void {
    this.requests++;
  }

  /** The batch to write the next row into (its index is `length`, to be incremented by the writer). */
  room(): AttemptBatch {
    if (this.batch.length === this.capacity) this.handOver();
    return this.batch;
  }

  /** Hands over the partial batch (end of run or interrupt). */
  end(): void {
    if (this.batch.length > 0) this.handOver();
  }
}
