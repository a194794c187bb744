/**
 * OpenAI faults as the API sends them (https://platform.openai.com/docs/guides/error-codes): status, the
 * `{"error":{message,type,param,code}}` body with the real type/code, and headers
 * (`x-request-id`, `x-ratelimit-*` with Go durations, `retry-after-ms` + `retry-after` when the
 * wait is shared). A 429 rate limit also quotes the wait in its message, as OpenAI does even when
 * it sends no header. 502 and 504 are Cloudflare HTML pages; `invalid_response` is HTML on a 200.
 */
import type { ErrorKind } from '../../canonical.js';
import { cloudflarePage } from '../cloudflare-page.js';
import type { ErrorOptions, WireResponse } from '../dialect.js';
import { formatGoDuration, httpDate } from '../header-values.js';

export interface OpenAIErrorObject {
  message: string;
  type: string;
  param: string | null;
  code: string | number | null;
}

const HOST = 'api.openai.com';
export const OPENAI_WIRE_KINDS: readonly ErrorKind[] = [
  'rate_limited', 'quota_exhausted', 'overloaded', 'server_error', 'bad_gateway', 'unavailable', 'timeout',
  'context_length', 'invalid_request', 'auth', 'content_policy', 'payment_required', 'invalid_response',
];

const contact = (requestId: string) =>
  `You can retry your request, or contact us through our help center at help.openai.com if the error persists. (Please include the request ID ${requestId} in your message.)`;

/** The status and error object of a JSON fault; undefined for the kinds sent as HTML or not at all. */
export function openaiError(kind: ErrorKind, o: ErrorOptions): { status: number; error: OpenAIErrorObject } | undefined {
  const e = (status: number, type: string, code: string | number | null, message: string, param: string | null = null) => ({ status, error: { message, type, param, code } });
  switch (kind) {
    case 'rate_limited': {
      const unit = o.rateLimit?.unit ?? 'requests';
      const limit = o.rateLimit?.limit ?? (unit === 'requests' ? 500 : 200_000);
      const used = limit - Math.min(limit, o.rateLimit?.remaining ?? 0);
      const requested = unit === 'requests' ? 1 : (o.inputTokens ?? 1000);
      const per = unit === 'requests' ? 'requests per min (RPM)' : 'tokens per min (TPM)';
      const wait = o.retryAfterMs !== undefined && o.retryAfterMs >= 0 ? ` Please try again in ${formatGoDuration(o.retryAfterMs)}.` : '';
      return e(429, unit, 'rate_limit_exceeded', `Rate limit reached for ${o.model} in organization org-routebench on ${per}: Limit ${limit}, Used ${used}, Requested ${requested}.${wait} Visit https://platform.openai.com/account/rate-limits to learn more.`);
    }
    case 'quota_exhausted':
      return e(429, 'insufficient_quota', 'insufficient_quota', 'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.');
    case 'overloaded':
      return e(503, 'server_error', null, `That model is currently overloaded with other requests. ${contact(o.requestId)}`);
    case 'server_error':
      return e(500, 'server_error', null, `The server had an error while processing your request. Sorry about that! ${contact(o.requestId)}`);
    case 'unavailable':
      return e(503, 'service_unavailable_error', null, 'The service is temporarily unavailable. Please try again later.');
    case 'context_length': {
      const window = o.contextWindow ?? 128_000;
      const used = o.inputTokens ?? window + 1;
      return e(400, 'invalid_request_error', 'context_length_exceeded', `This model's maximum context length is ${window} tokens. However, your messages resulted in ${used} tokens. Please reduce the length of the messages.`, 'messages');
    }
    case 'invalid_request':
      return e(400, 'invalid_request_error', 'empty_array', "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'messages');
    case 'auth':
      return e(401, 'invalid_request_error', 'invalid_api_key', 'Incorrect API key provided: sk-proj-****MxYA. You can find your API key at https://platform.openai.com/account/api-keys.');
    case 'content_policy': // Azure OpenAI's form; OpenAI's own filter reports finish_reason "content_filter"
      return e(400, 'invalid_request_error', 'content_filter', "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.", 'prompt');
    case 'payment_required': // OpenAI never sends 402; gateways speaking its dialect do (numeric code, like cf_bad_gateway)
      return e(402, 'insufficient_credits', 402, 'Insufficient credits. Add credits to this account to continue making requests.');
    default:
      return undefined;
  }
}

function waitHeaders(h: Record<string, string>, o: ErrorOptions): void {
  if (o.retryAfterMs === undefined || o.retryAfterShare === false) return;
  h['retry-after-ms'] = String(o.retryAfterMs);
  h['retry-after'] = String(Math.ceil(o.retryAfterMs / 1000));
}

function rateLimitHeaders(h: Record<string, string>, o: ErrorOptions): void {
  const rl = o.rateLimit;
  if (!rl) return;
  const unit = rl.unit ?? 'requests';
  h[`x-ratelimit-limit-${unit}`] = String(rl.limit);
  h[`x-ratelimit-remaining-${unit}`] = String(Math.max(0, rl.remaining));
  h[`x-ratelimit-reset-${unit}`] = formatGoDuration(Math.max(0, rl.resetMs));
}

export function encodeError(kind: ErrorKind, o: ErrorOptions): WireResponse {
  let res: WireResponse;
  if (kind === 'bad_gateway' || kind === 'timeout' || kind === 'invalid_response') {
    res = cloudflarePage(HOST, kind === 'bad_gateway' ? 502 : kind === 'timeout' ? 504 : 200, o.requestId, o.nowMs);
  } else {
    const json = openaiError(kind, o);
    if (!json) throw new RangeError(`the openai dialect has no wire form for ${kind} (it is not an HTTP response)`);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-request-id': o.requestId,
      'openai-version': '2020-10-01',
    };
    if (o.nowMs !== undefined) headers.date = httpDate(o.nowMs);
    res = { status: json.status, headers, body: JSON.stringify({ error: json.error }) };
  }
  if (res.status >= 400) waitHeaders(res.headers, o); // never a retry-after on the HTML 200
  rateLimitHeaders(res.headers, o);
  return res;
}
