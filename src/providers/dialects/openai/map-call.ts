/**
 * OpenAI Chat Completions, client side of a call: the request (`POST /v1/chat/completions`) and
 * the non-streaming response (`chat.completion`, https://platform.openai.com/docs/api-reference/chat/object).
 */
import { parseMarker, markerHeaders } from '../../request-marker.js';
import { errorInfo, parseJson } from '../classify.js';
import type { CallOutcome, CanonicalRequest, DecodeOptions, EncodedRequest, HeaderMap, Usage } from '../dialect.js';
import { errorOutcome, failure, success } from '../outcome.js';
import { synthPrompt } from '../synth-text.js';

export function encodeRequest(req: CanonicalRequest): EncodedRequest {
  const fields = parseMarker(req.marker);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: req.stream ? 'text/event-stream' : 'application/json',
    ...(fields ? markerHeaders(fields) : {}),
  };
  const body: Record<string, unknown> = {
    model: req.model,
    messages: [{ role: 'user', content: synthPrompt(req.marker, req.inputTokens) }],
    max_completion_tokens: req.maxOutputTokens,
    stream: req.stream,
  };
  if (req.stream) body.stream_options = { include_usage: true };
  return { path: '/v1/chat/completions', headers, body };
}

interface WireUsage {
  prompt_tokens?: unknown;
  completion_tokens?: unknown;
  prompt_tokens_details?: { cached_tokens?: unknown } | null;
}

/** Canonical usage from an OpenAI `usage` object; undefined when absent or malformed. */
export function readUsage(u: unknown): Usage | undefined {
  const w = u as WireUsage | null | undefined;
  if (!w || typeof w.prompt_tokens !== 'number' || typeof w.completion_tokens !== 'number') return undefined;
  const cached = w.prompt_tokens_details?.cached_tokens;
  return { input: w.prompt_tokens, output: w.completion_tokens, cached: typeof cached === 'number' ? cached : 0 };
}

/** The wire `usage` object for canonical counts (prompt_tokens includes the cached ones). */
export function usageJson(input: number, cached: number, output: number): Record<string, unknown> {
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
    prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

interface WireCompletion {
  object?: unknown;
  choices?: { finish_reason?: unknown }[];
  usage?: unknown;
}

export function decodeResponse(status: number, headers: HeaderMap, bodyText: string, opts: DecodeOptions = {}): CallOutcome {
  if (status < 200 || status >= 300) return errorOutcome(status, headers, bodyText, opts);
  const json = opts.json ?? parseJson(bodyText);
  if (json === undefined || errorInfo(json)) return errorOutcome(status, headers, bodyText, opts);
  const c = json as WireCompletion;
  const finish = Array.isArray(c.choices) ? c.choices[0]?.finish_reason : undefined;
  const usage = readUsage(c.usage);
  if (typeof finish !== 'string' || !usage) return failure('invalid_response', `${status} chat.completion without choices[0].finish_reason or usage`, status);
  return success(usage, finish);
}
