/**
 * Canonical, dialect-free vocabulary for what a provider call did. Dialects (OpenAI, Anthropic)
 * map their wire formats to and from these; the engine, strategies and store speak only these.
 */

/** How one attempt ended, as the harness saw it. */
export const OUTCOMES = ['ok', 'error', 'timeout', 'aborted', 'hedge_lost', 'gave_up'] as const;
export type Outcome = (typeof OUTCOMES)[number];
/** Numeric codes used in typed-array row buffers; index into OUTCOMES. */
export const Outcome = { ok: 0, error: 1, timeout: 2, aborted: 3, hedge_lost: 4, gave_up: 5 } as const;

/**
 * What kind of failure an attempt met. Statuses follow the providers' error docs
 * (https://platform.openai.com/docs/guides/error-codes, https://docs.anthropic.com/en/api/errors):
 * 429 comes in two kinds (wait and retry vs. quota exhausted, where retrying is futile).
 */
export const ERROR_KINDS = [
  'rate_limited', // 429 rate_limit_exceeded / rate_limit_error, usually with retry-after
  'quota_exhausted', // 429 insufficient_quota (OpenAI) / spend limit: retrying is futile
  'overloaded', // 529 overloaded_error (Anthropic) / 503 server_is_overloaded (OpenAI)
  'server_error', // 500
  'bad_gateway', // 502 (often an HTML body from the edge)
  'unavailable', // 503 / 530 during outages
  'timeout', // no response before the attempt timeout (client-side)
  'connection_reset', // TCP reset / connection refused: no HTTP status
  'truncated', // stream ended without its terminator after HTTP 200
  'context_length', // 400 context_length_exceeded / "prompt is too long"
  'invalid_request', // other 400/404/422
  'auth', // 401/403
  'gateway_blocked', // blocked before reaching a provider (budget, breaker, policy)
  'content_policy', // 400 refused by a content / safety filter
  'payment_required', // 402: credits exhausted, billing problem (gateways, Anthropic billing_error)
  'gateway_error', // the gateway itself failed (its outage, its 5xx), not the provider behind it
  'invalid_response', // a body that is not what the dialect promises: HTML, broken JSON, missing fields, error in a 200
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];
export const ErrorKindCode: Record<ErrorKind, number> = Object.fromEntries(ERROR_KINDS.map((k, i) => [k, i])) as Record<
  ErrorKind,
  number
>;

/** The HTTP status each kind is emitted with by the mocks (0 = no HTTP status). */
export const KIND_STATUS: Record<ErrorKind, { openai: number; anthropic: number }> = {
  rate_limited: { openai: 429, anthropic: 429 },
  quota_exhausted: { openai: 429, anthropic: 429 },
  overloaded: { openai: 503, anthropic: 529 },
  server_error: { openai: 500, anthropic: 500 },
  bad_gateway: { openai: 502, anthropic: 502 },
  unavailable: { openai: 503, anthropic: 503 },
  timeout: { openai: 0, anthropic: 0 },
  connection_reset: { openai: 0, anthropic: 0 },
  truncated: { openai: 200, anthropic: 200 },
  context_length: { openai: 400, anthropic: 400 },
  invalid_request: { openai: 400, anthropic: 400 },
  auth: { openai: 401, anthropic: 401 },
  gateway_blocked: { openai: 0, anthropic: 0 },
  content_policy: { openai: 400, anthropic: 400 },
  payment_required: { openai: 402, anthropic: 402 },
  gateway_error: { openai: 502, anthropic: 502 },
  invalid_response: { openai: 200, anthropic: 200 },
};

/**
 * Whether retrying (the same or another target) can help. This is the router's view, not the
 * SDK's: quota exhaustion is retried by SDKs because of its 429 status, but retrying is futile.
 */
export const KIND_RETRYABLE: Record<ErrorKind, boolean> = {
  rate_limited: true,
  quota_exhausted: false,
  overloaded: true,
  server_error: true,
  bad_gateway: true,
  unavailable: true,
  timeout: true,
  connection_reset: true,
  truncated: true,
  context_length: false,
  invalid_request: false,
  auth: false,
  gateway_blocked: false,
  content_policy: false,
  payment_required: false,
  gateway_error: true,
  invalid_response: true,
};

export const DIALECTS = ['openai', 'anthropic'] as const;
export type DialectName = (typeof DIALECTS)[number];

/** USD per one million tokens. */
export interface Price {
  input: number;
  output: number;
  /** Cached (prompt-cache read) input tokens; defaults to the input price when a provider has no discount. */
  cached_input: number;
  /** Where the price comes from, and when it was read. */
  source?: string;
  as_of?: string;
}
