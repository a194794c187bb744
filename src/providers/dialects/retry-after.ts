/**
 * How long the server asked us to wait, in the order the official SDKs read it (openai-python and
 * openai-node retry logic):
 * `retry-after-ms` (float ms), then `retry-after` (seconds, or an HTTP-date), then the wait OpenAI
 * writes into 429 messages ("Please try again in 3.89s"; Azure: "retry after 12 seconds").
 *
 * Values that cannot be honoured are clamped, not dropped: negative waits and dates in the past
 * become 0, waits above `maxMs` become `maxMs`, and the result says `clamped: true` so the caller
 * can log it. (openai-node ignores such values and falls back to its own backoff; the Anthropic
 * SDK obeys any value. Clamping keeps the server's intent while bounding the harm.)
 */
import type { HeaderMap } from './dialect.js';
import { getHeader, parseDate, parseGoDuration } from './header-values.js';

export interface RetryAfter {
  ms: number;
  clamped: boolean;
  source: 'retry-after-ms' | 'retry-after' | 'message';
}

const NUMBER = /^[+-]?\d+(?:\.\d+)?$/;
/** "try again in 3.89s" / "in 1m30s" / "in 20ms" / "retry after 12 seconds": a number or Go duration, maybe a unit word. */
const IN_TEXT = /(?:try again in|retry after)\s+(\d[\d.]*(?:[a-zµ]+[\d.]*)*)(?:\s+(milli|sec|min)[a-z]*\b)?/i;
const WORD_MS: Record<string, number> = { milli: 1, sec: 1000, min: 60_000 };

function fromText(message: string): number {
  const m = IN_TEXT.exec(message);
  if (!m) return NaN;
  const token = m[1]!.replace(/\.+$/, ''); // the sentence's full stop
  if (!NUMBER.test(token)) return parseGoDuration(token);
  return Number(token) * (m[2] ? WORD_MS[m[2].toLowerCase()]! : 1000);
}

function clamp(ms: number, maxMs: number, source: RetryAfter['source']): RetryAfter {
  if (ms < 0) return { ms: 0, clamped: true, source };
  if (ms > maxMs) return { ms: maxMs, clamped: true, source };
  return { ms, clamped: false, source };
}

/**
 * The wait from headers, else from the error message; undefined when none is given.
 * `nowMs` (epoch ms) resolves HTTP-dates; without it a date-valued `retry-after` is skipped.
 */
export function readRetryAfter(headers: HeaderMap, message: string, nowMs: number | undefined, maxMs: number): RetryAfter | undefined {
  const msHeader = getHeader(headers, 'retry-after-ms')?.trim();
  if (msHeader && NUMBER.test(msHeader)) return clamp(Number(msHeader), maxMs, 'retry-after-ms');
  const header = getHeader(headers, 'retry-after')?.trim();
  if (header) {
    if (NUMBER.test(header)) return clamp(Number(header) * 1000, maxMs, 'retry-after');
    const at = parseDate(header);
    if (at === at && nowMs !== undefined && nowMs === nowMs) return clamp(at - nowMs, maxMs, 'retry-after');
  }
  const fromMessage = fromText(message);
  return fromMessage === fromMessage ? clamp(fromMessage, maxMs, 'message') : undefined;
}
