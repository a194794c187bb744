/**
 * Retries inside one Portkey target, before any fallback moves on (gateways.md §2.2 "Retry";
 * OSS `retryHandler.ts`). `attempts` extra tries on `on_status_codes` (default 429, 500, 502, 503,
 * 504) and on thrown fetch errors; async-retry with factor 2, 1 s minimum, no jitter and no cap
 * waits 1, 2, 4, 8, 16 s. With `use_retry_after_header`, a 429 carrying a retry-after waits that
 * long instead, and async-retry's remaining backoffs are reset to 0 (`_timeouts` zeroed), so later
 * retries of this target go at once. The honoured waits share a 60 s budget per target: a header
 * ≥ 60 s, or above what is left, ends retrying. Reproduces the Docker build (the npm package
 * lacks the async-retry patch and answers 500 instead; gateways.md "Pitfall").
 */
import { ErrorKindCode } from '../../providers/canonical.js';
import { send, wait, type AttemptView, type DecideContext, type Decision } from '../strategy.js';
import type { LeafNode } from './plan.js';
import { retryAfterHeaderMs, seenStatus, seenThrown, type StatusTable } from './status.js';

/** globals.ts MAX_RETRY_LIMIT_MS. */
export const RETRY_AFTER_BUDGET_MS = 60_000;
/** async-retry defaults as the gateway uses them: minTimeout 1000, factor 2, randomize false. */
export const backoffMs = (retry: number) => 1000 * 2 ** (retry - 1);

/** Per-request progress on the active leaf. */
export interface LeafState {
  retries: number;
  /** Retry-after budget left, ms. */
  budget: number;
  /** A retry-after was honoured: the remaining backoffs are 0. */
  zeroed: boolean;
  waiting: boolean;
  /** Waiting out the last try's retry-after: the response is final when the timer fires. */
  finalWait: boolean;
  /** The leaf's final status and why it is final (when leafFailed/leafTimer return undefined). */
  status: number;
  why: string;
}

/**
 * One call to a leaf. The gateway's request_timeout aborts its fetch only until the response
 * headers arrive (then the timer is cleared): the whole call for a JSON answer, but for a stream
 * only the wait for it to start, taken here as the wait for its first token.
 */
export function sendLeaf(leaf: LeafNode, reason: string, ctx: DecideContext): Decision {
  const d = ctx.request.stream ? send(leaf.target, reason, undefined, leaf.timeoutMs) : send(leaf.target, reason, leaf.timeoutMs);
  // override_params.max_tokens: the gateway sets the request's max_tokens, the provider stops there
  return leaf.maxOutputTokens === undefined ? d : { ...d, type: 'send', target: leaf.target, maxOutputTokens: leaf.maxOutputTokens };
}

export function resetLeaf(st: LeafState): void {
  st.retries = 0;
  st.budget = RETRY_AFTER_BUDGET_MS;
  st.zeroed = false;
  st.waiting = false;
  st.finalWait = false;
  st.status = 0;
  st.why = '';
}

/** Reasons carry a retry number and a status: a small set per leaf, built once. */
function memo(leaf: LeafNode, tag: number, k: number, status: number, make: () => string): string {
  const key = tag * 1e7 + k * 1e3 + status;
  let r = leaf.reasons.get(key);
  if (r === undefined) leaf.reasons.set(key, (r = make()));
  return r;
}

/** The active leaf's attempt `a` failed: the next decision, or undefined when its response is final. */
export function leafFailed(st: LeafState, leaf: LeafNode, a: AttemptView, table: StatusTable, ctx: DecideContext): Decision | undefined {
  const status = seenStatus(table, a);
  const thrown = seenThrown(table, a);
  const plan = leaf.retry;
  const n = plan.attempts;
  st.status = status;
  st.why = '';
  if (status >= 200 && status < 300) {
    st.why = memo(leaf, 1, 0, a.errorKind === undefined ? 0 : ErrorKindCode[a.errorKind], () => `portkey: ${a.errorKind ?? a.outcome} arrives as HTTP 200, passed through (no retry, no fallback)`);
    return undefined;
  }
  if (!thrown && !plan.codes.includes(status)) {
    if (n > 0) st.why = memo(leaf, 2, 0, status, () => `portkey: ${status} is not retried (retry codes ${plan.codes.join(', ')})`);
    return undefined;
  }
  const last = st.retries >= n;
  if (last) st.why = memo(leaf, 3, 0, status, () => `portkey: ${n} ${n === 1 ? 'retry' : 'retries'} spent, last status ${status}`);
  const ra = status === 429 && plan.useRetryAfter && !thrown ? retryAfterHeaderMs(table, a) : 0;
  if (ra > 0) {
    if (ra >= RETRY_AFTER_BUDGET_MS || ra > st.budget) {
      st.why = 'portkey: retry-after beyond the 60 s retry budget ends retrying';
      return undefined;
    }
    st.budget -= ra;
    st.zeroed = true;
    st.waiting = true;
    // the gateway sleeps before it throws, so even the last try's retry-after is waited out
    st.finalWait = last;
    if (last) return wait(ra, 'portkey: waiting retry-after of the last try before answering (as the gateway does)');
    const k = ++st.retries;
    return wait(ra, memo(leaf, 4, k, 429, () => `portkey: retry ${k}/${n} after 429, waiting retry-after`));
  }
  if (last) return undefined;
  const k = ++st.retries;
  if (!st.zeroed) {
    st.waiting = true;
    return wait(backoffMs(k), memo(leaf, 6, k, status, () => `portkey: retry ${k}/${n} after ${status}, backoff`));
  }
  if (ctx.blocked(leaf.target)) {
    st.why = 'portkey: retry target blocked';
    return undefined;
  }
  return sendLeaf(leaf, memo(leaf, 5, k, status, () => `portkey: retry ${k}/${n} after ${status}, no backoff (reset by retry-after)`), ctx);
}

/** A retry wait ended: send the retry, or undefined (final) after the last try or when the target is now blocked. */
export function leafTimer(st: LeafState, leaf: LeafNode, ctx: DecideContext): Decision | undefined {
  st.waiting = false;
  if (st.finalWait) return undefined;
  if (ctx.blocked(leaf.target)) {
    st.why = 'portkey: retry target blocked';
    return undefined;
  }
  return sendLeaf(leaf, leaf.retrySend[st.retries]!, ctx);
}
