/**
 * Anthropic faults as the API sends them (https://docs.anthropic.com/en/api/errors, https://docs.anthropic.com/en/api/rate-limits): status, the
 * `{"type":"error","error":{type,message},"request_id"}` body, and headers: `request-id`,
 * `x-should-retry`, `retry-after` in whole seconds when the wait is shared, and
 * `anthropic-ratelimit-<unit>-{limit,remaining,reset}` with RFC 3339 resets (needs `nowMs`).
 * Overload is 529 `overloaded_error`; 502 and 504-from-the-edge pages are Cloudflare HTML.
 */
import { KIND_RETRYABLE, type ErrorKind } from '../../canonical.js';
import { cloudflarePage } from '../cloudflare-page.js';
import type { ErrorOptions, WireResponse } from '../dialect.js';
import { httpDate, rfc3339 } from '../header-values.js';

export interface AnthropicErrorObject {
  type: string;
  message: string;
  details?: { error_code: string };
}

const HOST = 'api.anthropic.com';
const ORG = '6c1a2b3d-0e4f-4a5b-9c8d-7e6f5a4b3c2d';
export const ANTHROPIC_WIRE_KINDS: readonly ErrorKind[] = [
  'rate_limited', 'quota_exhausted', 'overloaded', 'server_error', 'bad_gateway', 'unavailable', 'timeout',
  'context_length', 'invalid_request', 'auth', 'content_policy', 'payment_required', 'invalid_response',
];

/** First day of the next month, 00:00 UTC, as YYYY-MM-DD (when a spend limit lifts). */
function nextMonth(nowMs: number): string {
  const d = new Date(nowMs);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
}

/** The status and error object of a JSON fault; undefined for kinds sent as HTML or not at all. */
export function anthropicError(kind: ErrorKind, o: Pick<ErrorOptions, 'rateLimit' | 'nowMs' | 'inputTokens' | 'contextWindow'>): { status: number; error: AnthropicErrorObject } | undefined {
  const e = (status: number, type: string, message: string) => ({ status, error: { type, message } });
  switch (kind) {
    case 'rate_limited': {
      const unit = o.rateLimit?.unit ?? 'requests';
      const limit = (o.rateLimit?.limit ?? (unit === 'requests' ? 50 : 40_000)).toLocaleString('en-US');
      const per = unit === 'requests' ? 'requests per minute' : 'input tokens per minute';
      return e(429, 'rate_limit_error', `This request would exceed the rate limit for your organization (${ORG}) of ${limit} ${per}. For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later.`);
    }
    case 'quota_exhausted': {
      const until = o.nowMs === undefined ? '' : ` You will regain access on ${nextMonth(o.nowMs)} at 00:00 UTC.`;
      const err = e(429, 'rate_limit_error', `You have reached your specified workspace API usage limits.${until}`);
      return { status: 429, error: { ...err.error, details: { error_code: 'enforced_spend_limit_reached' } } };
    }
    case 'overloaded':
      return e(529, 'overloaded_error', 'Overloaded');
    case 'server_error':
      return e(500, 'api_error', 'Internal server error');
    case 'unavailable':
      return e(503, 'api_error', 'Service unavailable');
    case 'timeout':
      return e(504, 'timeout_error', 'Request processing timed out. Consider streaming for long requests.');
    case 'context_length': {
      const window = o.contextWindow ?? 200_000;
      return e(400, 'invalid_request_error', `prompt is too long: ${o.inputTokens ?? window + 1} tokens > ${window} maximum`);
    }
    case 'invalid_request':
      return e(400, 'invalid_request_error', 'messages: roles must alternate between "user" and "assistant", but found multiple "user" roles in a row');
    case 'auth':
      return e(401, 'authentication_error', 'invalid x-api-key');
    case 'content_policy':
      return e(400, 'invalid_request_error', 'Output blocked by content filtering policy');
    case 'payment_required':
      return e(402, 'billing_error', 'There is a problem with your billing or payment information. Please check Plans & Billing.');
    default:
      return undefined;
  }
}

export function encodeError(kind: ErrorKind, o: ErrorOptions): WireResponse {
  let res: WireResponse;
  if (kind === 'bad_gateway' || kind === 'invalid_response') {
    res = cloudflarePage(HOST, kind === 'bad_gateway' ? 502 : 200, o.requestId, o.nowMs);
  } else {
    const json = anthropicError(kind, o);
    if (!json) throw new RangeError(`the anthropic dialect has no wire form for ${kind} (it is not an HTTP response)`);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'request-id': o.requestId,
      'anthropic-organization-id': ORG,
      'x-should-retry': String(KIND_RETRYABLE[kind]),
    };
    if (o.nowMs !== undefined) headers.date = httpDate(o.nowMs);
    res = { status: json.status, headers, body: JSON.stringify({ type: 'error', error: json.error, request_id: o.requestId }) };
  }
  const h = res.headers;
  if (res.status >= 400 && o.retryAfterMs !== undefined && o.retryAfterShare !== false) h['retry-after'] = String(Math.ceil(o.retryAfterMs / 1000));
  const rl = o.rateLimit;
  if (rl) {
    const unit = rl.unit === 'tokens' ? 'input-tokens' : 'requests';
    h[`anthropic-ratelimit-${unit}-limit`] = String(rl.limit);
    h[`anthropic-ratelimit-${unit}-remaining`] = String(Math.max(0, rl.remaining));
    if (o.nowMs !== undefined) h[`anthropic-ratelimit-${unit}-reset`] = rfc3339(o.nowMs + Math.max(0, rl.resetMs) + 999);
  }
  return res;
}
