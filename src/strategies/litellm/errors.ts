/**
 * routebench error kinds as LiteLLM's exception classes: what the router's retry, cooldown and
 * fallback rules (gateways.md §2.3) key on. The HTTP status comes from the kind; the attempt's own
 * status only decides between statuses a kind covers (an Anthropic 529 vs an OpenAI 503 overload,
 * 404 vs 422 vs 400 for invalid requests, 403 vs 401).
 */
import type { ErrorKind } from '../../providers/canonical.js';
import type { AttemptView } from '../strategy.js';

export type LiteClass =
  | 'rate_limit'
  | 'timeout'
  | 'auth'
  | 'not_found'
  | 'bad_request'
  | 'context_window'
  | 'content_policy'
  | 'internal_server'
  | 'service_unavailable'
  | 'bad_gateway'
  /** APIConnectionError: resets, truncated or unreadable bodies; never cools a deployment. */
  | 'connection'
  | 'other'
  /** The router's own "No deployments available" (every deployment cooling or over its limits). */
  | 'no_deployments';

export interface LiteError {
  /** For reasons: the routebench kind, or what the router itself raised. */
  readonly label: string;
  readonly cls: LiteClass;
  readonly status: number;
  readonly retryAfterMs: number | undefined;
}

export const NO_DEPLOYMENTS: LiteError = { label: 'no deployments available', cls: 'no_deployments', status: 429, retryAfterMs: undefined };
/** enable_pre_call_checks found no deployment whose context window fits the prompt. */
export const PRECHECK_CONTEXT: LiteError = { label: 'context window (pre-call check)', cls: 'context_window', status: 400, retryAfterMs: undefined };
/** Waited for a max_parallel_requests slot longer than routebench lets a request queue. */
export const QUEUE_TIMEOUT: LiteError = { label: 'max_parallel_requests queue timeout', cls: 'timeout', status: 408, retryAfterMs: undefined };

function classOf(kind: ErrorKind, status: number): [LiteClass, number] {
  switch (kind) {
    case 'rate_limited':
    case 'quota_exhausted':
      return ['rate_limit', 429];
    case 'timeout':
      return ['timeout', 408];
    case 'auth':
      return status === 403 ? ['other', 403] : ['auth', 401];
    case 'invalid_request':
      return status === 404 ? ['not_found', 404] : status === 422 ? ['other', 422] : ['bad_request', 400];
    case 'context_length':
      return ['context_window', 400];
    case 'content_policy':
      return ['content_policy', 400];
    case 'server_error':
      return ['internal_server', 500];
    case 'overloaded': // LiteLLM raises Anthropic's 529 overloaded_error as an InternalServerError
      return status === 529 ? ['internal_server', 529] : ['service_unavailable', 503];
    case 'unavailable':
      return ['service_unavailable', 503];
    case 'bad_gateway':
    case 'gateway_error':
      return ['bad_gateway', 502];
    case 'payment_required':
      return ['other', 402];
    case 'connection_reset':
    case 'truncated':
    case 'invalid_response':
    case 'gateway_blocked':
      return ['connection', 500];
  }
}

const cache = new Map<string, LiteError>();

/** The LiteLLM exception an attempt's failure becomes (interned: the view is reused by the engine). */
export function classify(a: AttemptView): LiteError {
  const kind: ErrorKind = a.errorKind ?? (a.outcome === 'timeout' ? 'timeout' : 'server_error');
  const [cls, status] = classOf(kind, a.status);
  if (a.retryAfterMs !== undefined) return { label: kind, cls, status, retryAfterMs: a.retryAfterMs };
  const key = `${kind}:${status}`;
  let e = cache.get(key);
  if (e === undefined) cache.set(key, (e = { label: kind, cls, status, retryAfterMs: undefined }));
  return e;
}

/** `_is_cooldown_required`: 429, 401, 404, 408 and every status ≥ 500; never other 4xx or APIConnectionError. */
export function cooldownEligible(e: LiteError): boolean {
  if (e.cls === 'connection' || e.cls === 'no_deployments') return false;
  const s = e.status;
  return s === 429 || s === 401 || s === 404 || s === 408 || s >= 500;
}

/** `litellm._should_retry(status)`: 408, 409, 429 and ≥ 500. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** BadRequestError and its subclasses (ContextWindowExceeded, ContentPolicyViolation). */
export function isBadRequest(cls: LiteClass): boolean {
  return cls === 'bad_request' || cls === 'context_window' || cls === 'content_policy';
}

/**
 * The policy entry (RetryPolicy `…Retries`, AllowedFailsPolicy `…AllowedFails`) for an error, in
 * LiteLLM's isinstance order: BadRequestError is checked first, so it also covers its subclasses
 * ContextWindowExceeded and ContentPolicyViolation (the latter's own entry applies only when no
 * BadRequest entry is set).
 */
const POLICY_NAMES: Record<LiteClass, readonly string[]> = {
  bad_request: ['BadRequestError'],
  context_window: ['BadRequestError'],
  content_policy: ['BadRequestError', 'ContentPolicyViolationError'],
  auth: ['AuthenticationError'],
  timeout: ['TimeoutError'],
  rate_limit: ['RateLimitError'],
  internal_server: ['InternalServerError'],
  service_unavailable: ['ServiceUnavailableError'],
  bad_gateway: ['BadGatewayError'],
  not_found: ['NotFoundError'],
  connection: [],
  other: [],
  no_deployments: [],
};

export function policyValue(policy: Readonly<Record<string, number>> | undefined, cls: LiteClass, suffix: 'Retries' | 'AllowedFails'): number | undefined {
  if (policy === undefined) return undefined;
  for (const name of POLICY_NAMES[cls]) {
    const v = policy[name + suffix];
    if (v !== undefined) return v;
  }
  return undefined;
}
