/**
 * Error classification shared by both dialects: status + error body + headers → ErrorKind,
 * retryable and retry-after. Bodies are read tolerantly in either shape (OpenAI
 * `{"error":{message,type,param,code}}`, Anthropic `{"type":"error","error":{type,message}}`),
 * because gateways translate one into the other; HTML and plain-text bodies are classified by status.
 */
import { KIND_RETRYABLE, type ErrorKind } from '../canonical.js';
import { DEFAULT_MAX_RETRY_AFTER_MS, type ClassifyOptions, type ErrorClass, type HeaderMap } from './dialect.js';
import { getHeader } from './header-values.js';
import { readRetryAfter } from './retry-after.js';

/** The parts of an error body that decide its kind. */
export interface ErrorInfo {
  /** `error.type` (OpenAI legacy `tokens`/`requests`, `insufficient_quota`, Anthropic `overloaded_error`, …). */
  type: string;
  /** OpenAI `error.code` (may be numeric on the wire: 502) or Anthropic `error.details.error_code`. */
  code: string;
  message: string;
}

/** The body parsed as JSON, or undefined when it is not JSON. */
export function parseJson(bodyText: string): unknown {
  const t = bodyText.trimStart();
  if (t[0] !== '{' && t[0] !== '[') return undefined;
  try {
    return JSON.parse(bodyText) as unknown;
  } catch {
    return undefined;
  }
}

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** The error object of a parsed body, or undefined when there is none. */
export function errorInfo(json: unknown): ErrorInfo | undefined {
  const e = (json as { error?: unknown } | null)?.error;
  if (e === undefined || e === null) return undefined;
  if (typeof e === 'string') return { type: '', code: '', message: e };
  const o = e as { type?: unknown; code?: unknown; message?: unknown; details?: { error_code?: unknown } | null };
  return { type: str(o.type), code: str(o.code) || str(o.details?.error_code), message: str(o.message) };
}

/** A short, printable description of a body that is not a JSON error: its HTML title or first text. */
export function bodySummary(bodyText: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(bodyText)?.[1];
  const text = (title ?? bodyText.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

const QUOTA_CODES = /^(insufficient_quota|credit_balance_exhausted|organization_spend_limit_exceeded|project_spend_limit_exceeded|organization_usage_limit_exceeded|enforced_spend_limit_reached)$/;
const QUOTA_TEXT = /exceeded your current quota|spend limit|usage limits?\b.*regain access/i;
const CREDIT_TEXT = /credit balance is too low|insufficient credits/i;
const CONTEXT = /context_length_exceeded|maximum context length|prompt is too long|context window|too many tokens/i;
const CONTENT = /content_filter|content_policy|content (?:management|filtering) policy|safety system/i;
const OVERLOAD = /overloaded|server_is_overloaded/i;

/** The kind of an error given its HTTP status and body (status 0: no HTTP response). */
export function kindOf(status: number, info: ErrorInfo | undefined): ErrorKind {
  const type = info?.type ?? '';
  const code = info?.code ?? '';
  const text = `${type} ${code} ${info?.message ?? ''}`;
  if (status === 0) return 'connection_reset';
  if (status >= 200 && status < 300) return 'invalid_response';
  switch (status) {
    case 400:
      if (CONTEXT.test(text)) return 'context_length';
      if (CONTENT.test(text)) return 'content_policy';
      if (CREDIT_TEXT.test(text)) return 'payment_required';
      if (QUOTA_CODES.test(code) || QUOTA_TEXT.test(text)) return 'quota_exhausted';
      return 'invalid_request';
    case 401:
    case 403:
      return 'auth';
    case 402:
      return 'payment_required';
    case 408:
    case 504:
      return 'timeout';
    case 409: // lock timeout / conflict: both SDKs retry it
      return 'server_error';
    case 413:
      return 'invalid_request';
    case 429:
      return QUOTA_CODES.test(code) || QUOTA_CODES.test(type) || QUOTA_TEXT.test(text) || CREDIT_TEXT.test(text) ? 'quota_exhausted' : 'rate_limited';
    case 502:
      return 'bad_gateway';
    case 503:
      return OVERLOAD.test(text) ? 'overloaded' : 'unavailable';
    case 529:
      return 'overloaded';
    case 530:
      return 'unavailable';
  }
  if (status >= 500) return 'server_error';
  if (status >= 400) return 'invalid_request';
  return 'invalid_response'; // 1xx, 3xx: not an answer either dialect gives
}

/** The kind of an error event inside a stream that began with HTTP 200. */
export function inBandKind(info: ErrorInfo): ErrorKind {
  const text = `${info.type} ${info.code} ${info.message}`;
  if (OVERLOAD.test(text)) return 'overloaded';
  if (/rate_limit/i.test(text)) return 'rate_limited';
  if (QUOTA_CODES.test(info.code) || QUOTA_CODES.test(info.type)) return 'quota_exhausted';
  if (/timeout/i.test(info.type)) return 'timeout';
  if (CONTEXT.test(text)) return 'context_length';
  if (/invalid_request/i.test(info.type)) return 'invalid_request';
  return 'server_error';
}

/** Futile whatever the server says: `x-should-retry: true` does not make these retryable. */
const FUTILE = new Set<ErrorKind>(['quota_exhausted', 'payment_required', 'auth', 'context_length', 'content_policy']);

/** KIND_RETRYABLE, overridden by an explicit `x-should-retry` header (never into retrying futile kinds). */
export function retryableOf(kind: ErrorKind, headers: HeaderMap): boolean {
  const said = getHeader(headers, 'x-should-retry')?.trim().toLowerCase();
  if (said === 'false') return false;
  if (said === 'true' && !FUTILE.has(kind)) return true;
  return KIND_RETRYABLE[kind];
}

export function classify(status: number, headers: HeaderMap, bodyText: string, nowMs: number | undefined, opts: ClassifyOptions = {}): ErrorClass {
  const json = parseJson(bodyText);
  const info = errorInfo(json);
  const ok = status >= 200 && status < 300;
  let message: string;
  if (info) message = ok ? `error object in a ${status} response: ${info.message}` : info.message;
  else if (json !== undefined) message = ok ? `${status} response missing the expected fields` : `${status} ${bodySummary(bodyText)}`;
  else message = `${status} ${ok ? 'non-JSON body: ' : ''}${bodySummary(bodyText)}`.trim();
  const kind = kindOf(status, info);
  const out: ErrorClass = { kind, retryable: retryableOf(kind, headers), message };
  if (ok) return out;
  const wait = readRetryAfter(headers, info?.message ?? '', nowMs, opts.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS);
  if (wait) {
    out.retryAfterMs = wait.ms;
    if (wait.clamped) out.clamped = true;
  }
  return out;
}
