/**
 * What an upstream call did, written into the engine's attempt record (the view strategies get in
 * `decide` and `observe`): outcome, status, error kind and retryability as the dialect classified
 * them, retry-after, times in scenario ms and the billed tokens and cost. Same rules as replay.
 */
import { KIND_RETRYABLE } from '../providers/canonical.js';
import { bill, observedOutput } from '../engine/billing.js';
import type { EngineAttempt } from '../engine/engine-attempt.js';
import type { UpstreamCall } from './upstream-call.js';

/** `toScenario` maps a real performance.now() time to scenario ms (NaN stays NaN). */
export function recordCall(att: EngineAttempt, call: UpstreamCall, timeScale: number, toScenario: (real: number) => number): void {
  const o = call.outcome;
  const end = call.end;
  att.outcome = end === 'ok' ? 'ok' : end === 'timeout' ? 'timeout' : end === 'lost' ? 'hedge_lost' : 'error';
  att.status = call.status;
  att.errorKind = end === 'ok' || end === 'lost' ? undefined : end === 'timeout' ? 'timeout' : (o?.kind ?? 'connection_reset');
  att.retryable = att.errorKind === undefined ? false : end === 'timeout' ? true : (o?.retryable ?? KIND_RETRYABLE[att.errorKind]);
  const exact = call.exactRetryAfterMs();
  att.retryAfterMs = exact ?? (o?.retryAfterMs === undefined ? undefined : o.retryAfterMs * timeScale);
  att.endMs = toScenario(call.endAt);
  att.firstTokenAt = att.request.stream ? toScenario(call.firstTokenAt) : NaN;
  const started = call.firstByteAt === call.firstByteAt || call.firstTokenAt === call.firstTokenAt;
  bill(att, call.upstream.target.price, observedOutput(end === 'ok', end === 'lost' || end === 'timeout', end === 'lost' ? 0 : call.generated(), started));
}

/** An attempt the machine cancelled at scenario time `now` (hedge lost, client gone): billed for its prompt once answering had begun. */
export function recordCancel(att: EngineAttempt, outcome: 'hedge_lost' | 'aborted', now: number, price: Parameters<typeof bill>[1]): void {
  att.outcome = outcome;
  att.endMs = now;
  att.errorKind = undefined;
  att.status = 0;
  att.retryable = false;
  att.retryAfterMs = undefined;
  if (!(att.firstTokenAt <= now)) att.firstTokenAt = NaN;
  bill(att, price, observedOutput(false, true, 0, att.firstTokenAt === att.firstTokenAt));
}
