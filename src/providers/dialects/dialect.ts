/**
 * A wire dialect (OpenAI Chat Completions, Anthropic Messages): pure functions in both directions.
 * The client half encodes a canonical request and turns responses, SSE streams and error bodies
 * into canonical outcomes; the server half (used by mocks) writes responses, streams and faults
 * exactly as the real API does (the providers' API references and error docs). No clock, no randomness: ids and
 * times are passed in.
 */
import type { DialectName, ErrorKind } from '../canonical.js';

/** What routebench asks a provider for, before any dialect. */
export interface CanonicalRequest {
  model: string;
  /** Prompt size; the synthesised prompt comes to about this many tokens. */
  inputTokens: number;
  /** Input tokens expected to be prompt-cache reads (part of inputTokens; carried by the marker). */
  cachedTokens: number;
  maxOutputTokens: number;
  /** Output length a mock should produce (carried by the marker); live providers decide themselves. */
  outputTokens?: number;
  stream: boolean;
  /** formatMarker(...) text; it starts the first user message and, when parseable, also becomes headers. */
  marker: string;
}

/** An encoded request. No secrets: the transport adds the base URL and auth. */
export interface EncodedRequest {
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** Response headers as a record (any key case) or Node's IncomingHttpHeaders. */
export type HeaderMap = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Token usage, canonical: `input` is the whole prompt including cache reads (OpenAI
 * `prompt_tokens`; Anthropic `input_tokens + cache_read + cache_creation`), `cached` the reads.
 */
export interface Usage {
  input: number;
  output: number;
  cached: number;
}

/** What one call did, as the client saw it. */
export interface CallOutcome {
  ok: boolean;
  status: number;
  kind?: ErrorKind;
  retryable: boolean;
  retryAfterMs?: number;
  /** Undefined when unknown (e.g. a truncated stream): never a made-up 0. */
  usage?: Usage;
  /** Canonical (OpenAI vocabulary): stop | length | tool_calls | content_filter, else the raw value. */
  finishReason?: string;
  message?: string;
}

export interface ErrorClass {
  kind: ErrorKind;
  retryable: boolean;
  retryAfterMs?: number;
  /** The server's retry-after was negative, in the past or above the maximum and was clamped. */
  clamped?: boolean;
  message: string;
}

export interface ClassifyOptions {
  /** Upper bound for retry-after; larger values are clamped to it (default 60 s). */
  maxRetryAfterMs?: number;
}

export interface DecodeOptions extends ClassifyOptions {
  /** Epoch ms "now", for HTTP-date retry-after; defaults to the response's `date` header. */
  nowMs?: number;
  /** The body already parsed (`parseJson` of the text; undefined when it is not JSON), so a caller that also reads it parses it once. */
  json?: unknown;
}

export type StreamEvent =
  | { type: 'first-token' }
  | { type: 'tokens'; count: number }
  | { type: 'usage'; usage: Usage }
  | { type: 'done'; finishReason: string }
  | { type: 'error'; outcome: CallOutcome };

/** Incremental SSE decoding: `push` any slice of the body (lines may split anywhere), then `end`. */
export interface StreamDecoder {
  push(text: string): StreamEvent[];
  /** Flushes; a stream that ended without its terminator yields a 'truncated' error. */
  end(): StreamEvent[];
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A successful answer a mock gives: sizes and pacing from the mock model. */
export interface MockReply {
  /** Response id (`chatcmpl-…` / `msg_…`). */
  id: string;
  /** Request id header value; default `req_<id>`. */
  requestId?: string;
  model: string;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  ttftMs: number;
  tokensPerMs: number;
  finishReason: 'stop' | 'length';
  /** OpenAI `created`, unix seconds (default 0). */
  created?: number;
}

/** How a mock stream deviates from a clean one. At most one of `truncate` and `error`. */
export interface StreamPlan {
  /** Deltas closer than this carry several tokens (default DEFAULT_MIN_GAP_MS). */
  minGapMs?: number;
  /** OpenAI: send the final usage chunk (stream_options.include_usage; default true). */
  includeUsage?: boolean;
  /** Close cleanly after this many tokens, without the terminator; at `atMs` if later than the last token. */
  truncate?: { afterTokens: number; atMs?: number };
  /** An in-band error event after HTTP 200 (default kind: OpenAI server_error, Anthropic overloaded). */
  error?: { afterTokens: number; atMs?: number; kind?: ErrorKind };
  /** Pause `ms` before token `afterTokens`; Infinity = never resume (idle socket, no terminator). */
  stall?: { afterTokens: number; ms: number };
  /** Anthropic: `ping` events every this many ms during a finite stall. */
  pingEveryMs?: number;
}

export interface SseEvent {
  atMs: number;
  /** Exact SSE text of one event, blank line included. */
  data: string;
}

export interface WireStream {
  status: 200;
  headers: Record<string, string>;
  /** In time order, `atMs` from when the request was received. */
  events: SseEvent[];
  /** The dialect's terminator (`[DONE]` / `message_stop`) was sent. */
  terminated: boolean;
  /** When the response ends (close the connection); Infinity for an idle stall. */
  endMs: number;
  /** Keep the connection open after the last event (idle stall) instead of closing. */
  keepOpen: boolean;
}

export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Ms until the window resets. */
  resetMs: number;
  unit?: 'requests' | 'tokens';
}

export interface ErrorOptions {
  retryAfterMs?: number;
  /** Send the wait as headers (default true). OpenAI 429s quote it in the message text either way. */
  retryAfterShare?: boolean;
  rateLimit?: RateLimitState;
  requestId: string;
  model: string;
  /** Epoch ms of the response: adds `date` and makes RFC 3339 reset headers possible. */
  nowMs?: number;
  /** For the context-length message. */
  inputTokens?: number;
  contextWindow?: number;
}

export interface Dialect {
  readonly name: DialectName;
  /** Kinds encodeError can produce (the others have no HTTP response of their own). */
  readonly wireKinds: readonly ErrorKind[];
  encodeRequest(req: CanonicalRequest): EncodedRequest;
  decodeResponse(status: number, headers: HeaderMap, bodyText: string, opts?: DecodeOptions): CallOutcome;
  createStreamDecoder(opts?: ClassifyOptions): StreamDecoder;
  classifyError(status: number, headers: HeaderMap, bodyText: string, nowMs: number, opts?: ClassifyOptions): ErrorClass;
  encodeResponse(r: MockReply): WireResponse;
  encodeStream(r: MockReply, plan?: StreamPlan): WireStream;
  encodeError(kind: ErrorKind, opts: ErrorOptions): WireResponse;
}

export const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;
export const DEFAULT_MIN_GAP_MS = 10;
