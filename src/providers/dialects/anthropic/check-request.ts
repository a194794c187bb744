/**
 * Anthropic Messages, server side of a request: what the API answers a body it will not serve, in
 * its `{"type":"error","error":{type,message},"request_id"}` shape with its field-path messages
 * (https://docs.anthropic.com/en/api/errors): a body that is not JSON ("The request body is not
 * valid JSON: …") or not an object, `model` / `max_tokens` / `messages` missing ("max_tokens: Field
 * required"), max_tokens below 1, a "system" role inside messages, fields only the OpenAI dialect
 * has ("max_completion_tokens: Extra inputs are not permitted"), so an OpenAI-shaped body sent to
 * /v1/messages is refused as the real API refuses it; an unknown path (404 not_found_error); a body
 * over 32 MB (413 request_too_large). Pure: the request id is passed in.
 */
import type { WireResponse } from '../dialect.js';

export interface AnthropicRequestError {
  status: number;
  type: string;
  message: string;
}

/** Fields of OpenAI Chat Completions that the Messages API does not accept. */
const OPENAI_ONLY = ['max_completion_tokens', 'n', 'stream_options', 'response_format', 'frequency_penalty', 'presence_penalty', 'logprobs', 'top_logprobs', 'logit_bias', 'seed', 'parallel_tool_calls', 'functions', 'function_call'];

const invalid = (message: string): AnthropicRequestError => ({ status: 400, type: 'invalid_request_error', message });

/** The error for a parsed body the API would refuse, or undefined when it would serve it. */
export function checkAnthropicBody(body: unknown): AnthropicRequestError | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return invalid('Input should be a valid dictionary or object to extract fields from');
  const b = body as Record<string, unknown>;
  if (b.model === undefined) return invalid('model: Field required');
  if (typeof b.model !== 'string' || b.model === '') return invalid('model: Input should be a valid string');
  if (b.max_tokens === undefined) return invalid('max_tokens: Field required');
  if (typeof b.max_tokens !== 'number' || !Number.isInteger(b.max_tokens)) return invalid('max_tokens: Input should be a valid integer');
  if (b.max_tokens < 1) return invalid('max_tokens: Input should be greater than or equal to 1');
  if (b.messages === undefined) return invalid('messages: Field required');
  if (!Array.isArray(b.messages)) return invalid('messages: Input should be a valid list');
  if (b.messages.length === 0) return invalid('messages: at least one message is required');
  for (let i = 0; i < b.messages.length; i++) {
    const m = b.messages[i] as unknown;
    if (m === null || typeof m !== 'object' || Array.isArray(m)) return invalid(`messages.${i}: Input should be a valid dictionary or object to extract fields from`);
    const role = (m as { role?: unknown }).role;
    if (role === 'system')
      return invalid('messages: Unexpected role "system". The Messages API accepts a top-level `system` parameter, not "system" as an input message role.');
    if (role !== 'user' && role !== 'assistant') return invalid(`messages.${i}.role: Input should be 'user' or 'assistant'`);
  }
  for (const field of OPENAI_ONLY) if (b[field] !== undefined) return invalid(`${field}: Extra inputs are not permitted`);
  if (b.stream !== undefined && typeof b.stream !== 'boolean') return invalid('stream: Input should be a valid boolean');
  return undefined;
}

export const anthropicNotJson = (detail: string): AnthropicRequestError => invalid(`The request body is not valid JSON: ${detail}`);

export const anthropicUnknownPath = (): AnthropicRequestError => ({ status: 404, type: 'not_found_error', message: 'Not Found' });

export const anthropicTooLarge = (limitBytes: number): AnthropicRequestError => ({
  status: 413,
  type: 'request_too_large',
  message: `Request exceeds the maximum allowed number of bytes (${limitBytes}).`,
});

export function encodeAnthropicRequestError(e: AnthropicRequestError, requestId: string): WireResponse {
  return {
    status: e.status,
    headers: { 'content-type': 'application/json', 'request-id': requestId, 'x-should-retry': 'false' },
    body: JSON.stringify({ type: 'error', error: { type: e.type, message: e.message }, request_id: requestId }),
  };
}
