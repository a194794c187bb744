/**
 * Reading the values log exports hold: ISO and unix-nano times, counts written as numbers or as
 * strings, booleans in the many spellings exports use, and errors (an HTTP status, an error body,
 * or only an SDK exception class name) as routebench error kinds.
 */
import { parseAzureTimestamp } from '../csv.js';
import { kindOf } from '../../providers/dialects/classify.js';
import type { DialectName, ErrorKind } from '../../providers/canonical.js';
import type { RecordedOutcome } from '../traffic-request.js';

/** Epoch ms of an ISO 8601 time ("2026-03-01T10:00:00.123456+00:00", "…Z", "2026-03-01 10:00:00.123"); no offset reads as UTC. */
export function isoMs(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  return fastIso(v) ?? parseAzureTimestamp(v);
}

const digit = (s: string, i: number) => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : NaN;
};
const two = (s: string, i: number) => digit(s, i) * 10 + digit(s, i + 1);
/** 10 ** (digits - 3), by the number of fraction digits (the ms of ".f{1,9}" is its value over this). */
const FRACTION_SCALE = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => 10 ** (d - 3));
let cachedDay = '';
let cachedDayMs = 0;
/** "YYYY-MM-DD?HH:MM" last read, and its epoch ms (UTC): consecutive times of a log mostly share their minute. */
let cachedMinute = '';
let cachedMinuteMs = 0;

/**
 * The common forms of isoMs without a regular expression (a log has three times a row, and the
 * regex was a fifth of an import): "YYYY-MM-DD[T ]HH:MM:SS[.f{1,9}][Z|±HH[:MM]|±HHMM]". The minute
 * (and the day) is cached, since consecutive rows share it: a time in the cached minute costs its
 * seconds, fraction and offset only. Undefined for anything else (the caller then tries the general
 * parser, which also refuses what is not a time).
 */
export function fastIso(s: string): number | undefined {
  const n = s.length;
  // '-' 45, 'T' 84, ' ' 32, ':' 58, '.' 46, 'Z' 90, '+' 43
  if (n < 19 || s.charCodeAt(16) !== 58) return undefined;
  let minuteMs: number;
  if (cachedMinute !== '' && s.startsWith(cachedMinute)) minuteMs = cachedMinuteMs;
  else {
    const sep = s.charCodeAt(10);
    if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || (sep !== 84 && sep !== 32) || s.charCodeAt(13) !== 58) return undefined;
    const h = two(s, 11);
    const mi = two(s, 14);
    if (!(h <= 23 && mi <= 59)) return undefined;
    if (!(cachedDay !== '' && s.startsWith(cachedDay))) {
      const y = two(s, 0) * 100 + two(s, 2);
      const mo = two(s, 5);
      const d = two(s, 8);
      const ms = Date.UTC(y, mo - 1, d);
      const back = new Date(ms);
      if (!(y >= 0) || back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
      cachedDay = s.slice(0, 10);
      cachedDayMs = ms;
    }
    minuteMs = cachedDayMs + (h * 60 + mi) * 60_000;
    cachedMinute = s.slice(0, 16);
    cachedMinuteMs = minuteMs;
  }
  const sec = two(s, 17);
  if (!(sec <= 59)) return undefined;
  let i = 19;
  let frac = 0;
  if (i < n && s.charCodeAt(i) === 46) {
    let j = i + 1;
    let value = 0;
    for (let c = s.charCodeAt(j); c >= 48 && c <= 57; c = s.charCodeAt(++j)) value = value * 10 + (c - 48);
    const digits = j - i - 1;
    if (digits === 0 || digits > 9) return undefined;
    frac = value / FRACTION_SCALE[digits - 1]!;
    i = j;
  }
  let offsetMin = 0;
  if (i < n) {
    const c = s.charCodeAt(i);
    if (c === 90) {
      if (i + 1 !== n) return undefined;
    } else if (c === 43 || c === 45) {
      const rest = n - i - 1;
      const oh = two(s, i + 1);
      const om = rest === 2 ? 0 : rest === 5 && s.charCodeAt(i + 3) === 58 ? two(s, i + 4) : rest === 4 ? two(s, i + 3) : NaN;
      if (!(oh <= 23 && om <= 59)) return undefined;
      offsetMin = (c === 45 ? -1 : 1) * (oh * 60 + om);
    } else return undefined;
  }
  return minuteMs + (sec - offsetMin * 60) * 1000 + frac;
}

/**
 * Epoch ms of a unix-nanosecond time, written as a decimal string (OTLP JSON's int64 form) or a
 * number. Split so the ms part stays an exact integer: 1.7e18 ns does not fit a double exactly.
 */
export function unixNanoMs(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v / 1e6 : undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > 20) return undefined;
  // Digits read by hand (no regex, no slices): the part above the last six digits, and those six.
  const split = v.length - 6;
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < v.length; i++) {
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    if (i < split) hi = hi * 10 + d;
    else lo = lo * 10 + d;
  }
  return split <= 0 ? lo / 1e6 : hi + lo / 1e6;
}

/** A finite number, from a number or a numeric string; undefined for null, '' and anything else. */
export function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/**
 * A whole number ≥ 0 (a token count), from a number or a numeric string, up to 2^53 - 1: past
 * that a count is not exact as a JavaScript number, and the rest of routebench (calibrate's
 * reader, the replay's request marker) refuses it, so a row holding one is malformed here too.
 */
export function countOf(v: unknown): number | undefined {
  const n = numberOf(v);
  return n !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** Why `v` is not a count (countOf gave undefined): too large, or not a whole number ≥ 0. */
export function countProblem(field: string, v: unknown): string {
  const n = numberOf(v);
  if (n !== undefined && Number.isInteger(n) && n > Number.MAX_SAFE_INTEGER) return `${field} ${JSON.stringify(v)} is too large for a token count (at most ${Number.MAX_SAFE_INTEGER.toLocaleString('en-US')})`;
  return `${field} must be a whole number ≥ 0, got ${JSON.stringify(v)}`;
}

/** true/false from a boolean, 1/0, or "true"/"TRUE"/"True"/"1"/"false"/…; undefined otherwise. */
export function boolOf(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 1 || v === '1') return true;
  if (v === 0 || v === '0') return false;
  if (typeof v === 'string') {
    const s = v.toLowerCase();
    if (s === 'true') return true;
    if (s === 'false') return false;
  }
  return undefined;
}

/** Whether an object has an own key (without the array `Object.keys` makes). */
export function someKey(o: object): boolean {
  for (const k in o) if (Object.hasOwn(o, k)) return true;
  return false;
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** A JSON object: as is, or parsed from a JSON string (CSV cells hold JSON columns as text). */
export function objectOf(v: unknown): Record<string, unknown> | undefined {
  if (typeof v === 'string' && v.startsWith('{')) {
    try {
      v = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/**
 * The HTTP status and error kind the Python and TypeScript SDKs' exception classes stand for (both
 * OpenAI's and Anthropic's SDKs, and LiteLLM's, which reuse the names): logs that keep only the
 * class name (OTel `error.type`, LiteLLM `error_class`) still say what happened. Status 0: no HTTP
 * answer (a timeout or a broken connection).
 */
const EXCEPTIONS: Record<string, [number, ErrorKind]> = {
  RateLimitError: [429, 'rate_limited'],
  APITimeoutError: [0, 'timeout'],
  Timeout: [408, 'timeout'],
  TimeoutError: [0, 'timeout'],
  APIConnectionError: [0, 'connection_reset'],
  InternalServerError: [500, 'server_error'],
  ServiceUnavailableError: [503, 'unavailable'],
  BadGatewayError: [502, 'bad_gateway'],
  OverloadedError: [529, 'overloaded'],
  BadRequestError: [400, 'invalid_request'],
  ContextWindowExceededError: [400, 'context_length'],
  ContentPolicyViolationError: [400, 'content_policy'],
  AuthenticationError: [401, 'auth'],
  PermissionDeniedError: [403, 'auth'],
  NotFoundError: [404, 'invalid_request'],
  UnprocessableEntityError: [422, 'invalid_request'],
  ConflictError: [409, 'server_error'],
};

/** The error of a failed call: status and kind from an HTTP status (with the error text, if any) or an exception class name. */
export function classifyError(status: number | undefined, errorClass?: string, code?: string, message?: string): { status: number; kind: ErrorKind } {
  if (status !== undefined && status >= 400) return { status, kind: kindOf(status, { type: errorClass ?? '', code: code ?? '', message: message ?? '' }) };
  const name = errorClass?.slice(errorClass.lastIndexOf('.') + 1);
  const known = name !== undefined ? EXCEPTIONS[name] : undefined;
  if (known) {
    // A class can be refined by its text (a 400 about the context window), as a status is.
    const kind = known[0] >= 400 ? kindOf(known[0], { type: name!, code: code ?? '', message: message ?? '' }) : known[1];
    return { status: known[0], kind: kind === 'invalid_request' && known[1] !== 'invalid_request' ? known[1] : kind };
  }
  if (status !== undefined && status > 0) return { status, kind: kindOf(status, undefined) };
  return { status: 0, kind: 'server_error' };
}

/** The wire dialect of a provider's own API: Anthropic's Messages for `anthropic`, else OpenAI's Chat Completions. */
export function dialectOf(provider: string | undefined): DialectName {
  return provider !== undefined && provider.toLowerCase() === 'anthropic' ? 'anthropic' : 'openai';
}

/** Whole tokens cached, clamped to the input (a log may count them apart from the prompt). */
export const clampCached = (cached: number | undefined, input: number) => Math.min(cached ?? 0, input);

/** Rounds to µs, as `routebench record` writes times. */
export const round3 = (v: number) => Math.round(v * 1000) / 1000;

/**
 * Made with `new`, not as a literal `{ ok, status }`: V8 then keeps room inside the object for the
 * fields added after it (target, trace_id, …), where a literal's object holds them in a second
 * array of their own. Imported rows wait in the reorder window (reorder.ts), and the young-generation
 * GC copies every object they hold until it is old: one object fewer per row is measurable.
 */
class Outcome {
  ok: boolean;
  status: number;
  constructor(ok: boolean, status: number) {
    this.ok = ok;
    this.status = status;
  }
}

/**
 * The start of a `recorded` object, keys in the order `routebench record` writes them (ok, status,
 * latency_ms, ttft_ms, error_kind, then target): files from both diff cleanly. Times are rounded to µs.
 */
export function outcome(ok: boolean, status: number, latencyMs: number | undefined, ttftMs: number | undefined, errorKind: string | undefined, target: string): RecordedOutcome {
  const o: RecordedOutcome = new Outcome(ok, status);
  if (latencyMs !== undefined) o.latency_ms = round3(latencyMs);
  if (ttftMs !== undefined) o.ttft_ms = round3(ttftMs);
  if (errorKind !== undefined) o.error_kind = errorKind;
  o.target = target;
  return o;
}
