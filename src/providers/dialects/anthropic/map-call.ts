/**
 * Anthropic Messages, client side of a call: the request (`POST /v1/messages` with
 * `anthropic-version: 2023-06-01`) and the non-streaming `message` response
 * (https://docs.anthropic.com/en/api/messages), plus the usage and stop-reason mappings the stream shares.
 */
import { markerHeaders, parseMarker } from '../../request-marker.js';
import { errorInfo, parseJson } from '../classify.js';
import type { CallOutcome, CanonicalRequest, DecodeOptions, EncodedRequest, HeaderMap, Usage } from '../dialect.js';
import { errorOutcome, failure, success } from '../outcome.js';
import { synthPrompt } from '../synth-text.js';

export const ANTHROPIC_VERSION = '2023-06-01';

export function encodeRequest(req: CanonicalRequest): EncodedRequest {
  const fields = parseMarker(req.marker);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: req.stream ? 'text/event-stream' : 'application/json',
    'anthropic-version': ANTHROPIC_VERSION,
    ...(fields ? markerHeaders(fields) : {}),
  };
  const body: Record<string, unknown> = {
    model: req.model,
    max_tokens: req.maxOutputTokens,
    messages: [{ role: 'user', content: synthPrompt(req.marker, req.inputTokens) }],
    stream: req.stream,
  };
  return { path: '/v1/messages', headers, body };
}

/** stop_reason → canonical finish reason (OpenAI's vocabulary); unknown values pass through. */
export function finishOf(stopReason: string): string {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return stopReason;
  }
}

export const stopReasonOf = (finish: 'stop' | 'length') => (finish === 'stop' ? 'end_turn' : 'max_tokens');

export interface WireUsage {
  input_tokens?: unknown;
  output_tokens?: unknown;
  cache_read_input_tokens?: unknown;
  cache_creation_input_tokens?: unknown;
}

const num = (v: unknown) => (typeof v === 'number' ? v : 0);

/** Canonical usage: input counts uncached, cache-read and cache-write tokens; cached the reads. */
export function readUsage(u: unknown): Usage | undefined {
  const w = u as WireUsage | null | undefined;
  if (!w || typeof w.input_tokens !== 'number' || typeof w.output_tokens !== 'number') return undefined;
  const cached = num(w.cache_read_input_tokens);
  return { input: w.input_tokens + cached + num(w.cache_creation_input_tokens), output: w.output_tokens, cached };
}

/** The wire `usage` object for canonical counts (input_tokens excludes cache reads). */
export function usageJson(input: number, cached: number, output: number): Record<string, unknown> {
  return { input_tokens: input - cached, cache_creation_input_tokens: 0, cache_read_input_tokens: cached, output_tokens: output, service_tier: 'standard' };
}

interface WireMessage {
  type?: unknown;
  stop_reason?: unknown;
  usage?: unknown;
}

export function decodeResponse(status: number, headers: HeaderMap, bodyText: string, opts: DecodeOptions = {}): CallOutcome {
  if (status < 200 || status >= 300) return errorOutcome(status, headers, bodyText, opts);
  const json = opts.json ?? parseJson(bodyText);
  if (json === undefined || errorInfo(json)) return errorOutcome(status, headers, bodyText, opts);
  const m = json as WireMessage;
  const usage = readUsage(m.usage);
  if (m.type !== 'message' || typeof m.stop_reason !== 'string' || !usage) {
    return failure('invalid_response', `${status} response is not a message with stop_reason and usage`, status);
  }
  return success(usage, finishOf(m.stop_reason));
}
