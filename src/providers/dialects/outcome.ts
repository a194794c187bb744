/**
 * Building CallOutcomes: from an error response, for a truncated stream, for a refusal, and
 * folding a decoded stream's events into the outcome of the whole call.
 */
import { KIND_RETRYABLE, type ErrorKind } from '../canonical.js';
import { classify, errorInfo, inBandKind } from './classify.js';
import type { CallOutcome, DecodeOptions, ErrorClass, HeaderMap, StreamEvent, Usage } from './dialect.js';
import { getHeader, parseDate } from './header-values.js';

export function fromClass(status: number, c: ErrorClass, usage?: Usage): CallOutcome {
  const out: CallOutcome = { ok: false, status, kind: c.kind, retryable: c.retryable, message: c.message };
  if (c.retryAfterMs !== undefined) out.retryAfterMs = c.retryAfterMs;
  if (usage) out.usage = usage;
  return out;
}

/** A failed response (any status, incl. a 2xx with a body that is not an answer). */
export function errorOutcome(status: number, headers: HeaderMap, bodyText: string, opts: DecodeOptions = {}): CallOutcome {
  const date = getHeader(headers, 'date');
  const now = opts.nowMs ?? (date === undefined ? undefined : parseDate(date));
  return fromClass(status, classify(status, headers, bodyText, now === now ? now : undefined, opts));
}

export function failure(kind: ErrorKind, message: string, status = 200, usage?: Usage): CallOutcome {
  const out: CallOutcome = { ok: false, status, kind, retryable: KIND_RETRYABLE[kind], message };
  if (usage) out.usage = usage;
  return out;
}

/** A 200 whose output was refused or filtered: billed, but not an answer. */
export function refusal(usage: Usage | undefined, finishReason: string): CallOutcome {
  const out = failure('content_policy', `output ended by the provider's content filter (${finishReason})`, 200, usage);
  out.finishReason = 'content_filter';
  return out;
}

/** A complete answer; a filtered one is a refusal, and `finish_reason: "error"` (gateways) a failure. */
export function success(usage: Usage | undefined, finishReason: string): CallOutcome {
  if (finishReason === 'content_filter') return refusal(usage, finishReason);
  if (finishReason === 'error') return failure('invalid_response', 'finish_reason "error" in a 200 response', 200, usage);
  const out: CallOutcome = { ok: true, status: 200, retryable: false, finishReason };
  if (usage) out.usage = usage;
  return out;
}

/** The event for an error object received in a stream after HTTP 200. */
export function inBandError(dataJson: unknown): StreamEvent {
  const info = errorInfo(dataJson) ?? { type: '', code: '', message: 'error event without an error object' };
  return { type: 'error', outcome: failure(inBandKind(info), info.message) };
}

export function malformedEvent(data: string): StreamEvent {
  const sample = data.length > 120 ? `${data.slice(0, 120)}…` : data;
  return { type: 'error', outcome: failure('invalid_response', `malformed server-sent event JSON: ${sample}`) };
}

export function truncated(terminator: string): StreamEvent {
  return { type: 'error', outcome: failure('truncated', `stream ended without ${terminator}`) };
}

export interface StreamSummary {
  outcome: CallOutcome;
  /** Output tokens seen in deltas (an estimate for live text; exact for mock streams). */
  tokens: number;
  sawFirstToken: boolean;
}

/** Folds a whole stream's events into one outcome (the last usage wins; an error or truncation fails it). */
export function summarizeStream(events: readonly StreamEvent[]): StreamSummary {
  let tokens = 0;
  let sawFirstToken = false;
  let usage: Usage | undefined;
  let outcome: CallOutcome | undefined;
  for (const e of events) {
    if (e.type === 'first-token') sawFirstToken = true;
    else if (e.type === 'tokens') tokens += e.count;
    else if (e.type === 'usage') usage = e.usage;
    else if (outcome) continue;
    else if (e.type === 'error') outcome = e.outcome;
    else outcome = success(usage, e.finishReason);
  }
  return { outcome: outcome ?? failure('truncated', 'stream not finished'), tokens, sawFirstToken };
}

/** `o` with `usage` (a literal with every field, not `{ ...o, usage }`: an object spread costs microseconds on Node 20, once per call). */
export function withUsage(o: CallOutcome, usage: Usage | undefined): CallOutcome {
  return { ok: o.ok, status: o.status, kind: o.kind, retryable: o.retryable, retryAfterMs: o.retryAfterMs, usage, finishReason: o.finishReason, message: o.message };
}
