/**
 * Rows learnt from outside the engine: for an external gateway (a black box), the client's call
 * to it and the upstream calls it made, read back from the mock server's log. Written into the
 * same columnar batches as the engine's own attempts.
 */
import { ErrorKindCode, Outcome, type ErrorKind } from '../providers/canonical.js';
import type { TrafficRequest } from '../traffic/traffic-request.js';
import type { AttemptRows } from './attempt-rows.js';

/** targetNo -1: the gateway itself (the client's call); stored as a NULL target. */
export interface ObservedRow {
  request: TrafficRequest;
  attemptNo: number;
  targetNo: number;
  sentMs: number;
  /** NaN when none. */
  firstTokenMs: number;
  endMs: number;
  outcome: keyof typeof Outcome;
  /** 0 when there was no HTTP status. */
  status: number;
  errorKind?: ErrorKind;
  retryable: boolean;
  tokensIn: number;
  tokensCached: number;
  tokensOut: number;
  costUsd: number;
  reason: string;
  /** The client's call: longest gap between two chunks, scenario ms. */
  maxGapMs?: number;
}

export function addObservedRow(rows: AttemptRows, r: ObservedRow): void {
  const b = rows.room();
  const i = b.length++;
  b.requestNo[i] = r.request.index;
  b.attemptNo[i] = r.attemptNo;
  b.targetNo[i] = r.targetNo;
  b.scheduledMs[i] = r.request.arrivalMs;
  b.sentMs[i] = r.sentMs;
  b.firstTokenMs[i] = r.firstTokenMs;
  b.endMs[i] = r.endMs;
  b.outcome[i] = Outcome[r.outcome];
  b.httpStatus[i] = r.status > 0 ? r.status : -1;
  b.errorKind[i] = r.errorKind === undefined ? -1 : ErrorKindCode[r.errorKind];
  b.retryable[i] = r.retryable ? 1 : 0;
  b.retryAfterMs[i] = NaN;
  b.tokensIn[i] = r.tokensIn;
  b.tokensCached[i] = r.tokensCached;
  b.tokensOut[i] = r.tokensOut;
  b.costUsd[i] = r.costUsd;
  b.reasonNo[i] = rows.dict.reasons.id(r.reason);
  b.tagsetNo[i] = rows.dict.tagsets.id(r.request.tags);
  b.routeNo[i] = rows.dict.routes.id(r.request.route);
  b.stream[i] = r.request.stream ? 1 : 0;
  b.incidentNo[i] = -1;
  b.maxGapMs[i] = r.maxGapMs ?? NaN;
  b.harnessMs[i] = NaN;
  rows.rows++;
}
