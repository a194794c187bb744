/**
 * OpenAI Chat Completions, server side of a request: what the API answers a body it will not
 * serve, in its `{"error":{message,type,param,code}}` shape with the messages it sends
 * (https://platform.openai.com/docs/guides/error-codes): a body that is not JSON (or not a JSON
 * object), no model, no or malformed messages, max_tokens / max_completion_tokens not a whole
 * number ≥ 1, a non-boolean stream; an unknown path ("Invalid URL"); a body over the size limit
 * (413, routebench's wording in OpenAI's shape: the real limit is enforced at OpenAI's edge).
 * Pure: the request id is passed in.
 */
import type { WireResponse } from '../dialect.js';

export interface OpenAIRequestError {
  status: number;
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

const PARSE =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)";

const invalid = (message: string, param: string | null = null, code: string | null = null): OpenAIRequestError => ({ status: 400, message, type: 'invalid_request_error', param, code });

/** "an integer", "a string", … as OpenAI's invalid_type messages name JSON types. */
function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a decimal';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v === 'boolean' ? 'boolean' : typeof v}`;
}

/** The error for a parsed body the API would refuse, or undefined when it would serve it. */
export function checkOpenAIBody(body: unknown): OpenAIRequestError | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return invalid(PARSE);
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string' || b.model === '') return invalid('you must provide a model parameter');
  if (b.messages === undefined) return invalid("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  if (!Array.isArray(b.messages)) return invalid(`Invalid type for 'messages': expected an array of objects, but got ${typeName(b.messages)} instead.`, 'messages', 'invalid_type');
  if (b.messages.length === 0) return invalid("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'messages', 'empty_array');
  for (let i = 0; i < b.messages.length; i++) {
    const m = b.messages[i] as unknown;
    if (m === null || typeof m !== 'object' || Array.isArray(m)) return invalid(`Invalid type for 'messages[${i}]': expected an object, but got ${typeName(m)} instead.`, `messages[${i}]`, 'invalid_type');
    if ((m as { role?: unknown }).role === undefined) return invalid(`Missing required parameter: 'messages[${i}].role'.`, `messages[${i}].role`, 'missing_required_parameter');
  }
  for (const field of ['max_tokens', 'max_completion_tokens'] as const) {
    const v = b[field];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isInteger(v)) return invalid(`Invalid type for '${field}': expected an integer, but got ${typeName(v)} instead.`, field, 'invalid_type');
    if (v < 1) return invalid(`Invalid '${field}': integer below minimum value. Expected a value >= 1, but got ${v} instead.`, field, 'integer_below_min_value');
  }
  if (b.stream !== undefined && b.stream !== null && typeof b.stream !== 'boolean')
    return invalid(`Invalid type for 'stream': expected a boolean, but got ${typeName(b.stream)} instead.`, 'stream', 'invalid_type');
  return undefined;
}

export const openaiNotJson = (): OpenAIRequestError => invalid(PARSE);

export const openaiUnknownPath = (method: string, path: string): OpenAIRequestError => ({ status: 404, message: `Invalid URL (${method} ${path})`, type: 'invalid_request_error', param: null, code: null });

export const openaiTooLarge = (limitBytes: number): OpenAIRequestError => ({
  status: 413,
  message: `Request body too large: the limit is ${limitBytes} bytes. Reduce the size of the messages.`,
  type: 'invalid_request_error',
  param: null,
  code: 'request_too_large',
});

export function encodeOpenAIRequestError(e: OpenAIRequestError, requestId: string): WireResponse {
  const { status, ...error } = e;
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-request-id': requestId, 'openai-version': '2020-10-01' },
    body: JSON.stringify({ error: { message: error.message, type: error.type, param: error.param, code: error.code } }),
  };
}
