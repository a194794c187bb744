/**
 * One recorded call as a routebench trace row: what the app asked for (arrival, model, stream,
 * tags, token counts, a hash and the lengths of its prompt, the names of the DLP detectors that
 * fired on it) and what it observed (status, error
 * kind, TTFT, the longest inter-chunk gap, total latency, which target served it, the upstream's
 * request id). The row is a valid line of the `routebench` trace format: `import`, `run` and
 * `calibrate` read it as they read any trace.
 */
import type { DialectName } from '../providers/canonical.js';
import type { PromptDlp } from '../dlp/prompt-findings.js';
import type { Tags } from '../traffic/traffic-request.js';

export interface ObservedCall {
  /** HTTP status; 0 when the upstream never answered. */
  status: number;
  ok: boolean;
  errorKind?: string;
  /** Ms from the call's arrival at the recorder. */
  latencyMs: number;
  ttftMs?: number;
  /** Longest gap between two body chunks of a streamed answer, ms. */
  maxGapMs?: number;
  /** Body chunks of a streamed answer. */
  chunks?: number;
  retryAfterMs?: number;
  target: string;
  requestId?: string;
  /** Upstream attempts behind the call, when the answer says (routebench serve). */
  attempts?: number;
  /** The client hung up before the answer ended. */
  clientClosed?: boolean;
}

export interface PromptFacts {
  sha256: string;
  /** Characters of text in the messages (and Anthropic `system`). */
  chars: number;
  messages: number;
  /** Only with --store-text: the prompt after the redaction policy; absent when the policy blocked it. */
  text?: string;
  /**
   * Detectors that fired on the prompt (every built-in one and the policy's custom rules, run as
   * `flag`; names only), and with --store-text whether the policy withheld the text.
   */
  dlp?: PromptDlp & { withheld?: boolean };
  /** The policy redacted part of the stored text (not written to the row; counted in the summary). */
  redacted?: boolean;
}

export interface RecordedCall {
  arrivalMs: number;
  dialect: DialectName;
  route: string;
  stream: boolean;
  tags: Tags;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  /** Token counts came from the provider's usage (else estimated: ~4 characters a token in, stream chunks out). */
  usageReported: boolean;
  prompt: PromptFacts;
  observed: ObservedCall;
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** The JSONL line (with its newline). Keys in a fixed order so files diff cleanly. */
export function traceLine(c: RecordedCall): string {
  const o = c.observed;
  const recorded: Record<string, unknown> = { ok: o.ok, status: o.status, latency_ms: round3(o.latencyMs) };
  if (o.ttftMs !== undefined) recorded.ttft_ms = round3(o.ttftMs);
  if (o.errorKind !== undefined) recorded.error_kind = o.errorKind;
  recorded.target = o.target;
  if (o.maxGapMs !== undefined) recorded.max_gap_ms = round3(o.maxGapMs);
  if (o.chunks !== undefined) recorded.chunks = o.chunks;
  if (o.retryAfterMs !== undefined) recorded.retry_after_ms = o.retryAfterMs;
  if (o.requestId !== undefined) recorded.request_id = o.requestId;
  if (o.attempts !== undefined) recorded.attempts = o.attempts;
  if (o.clientClosed) recorded.client_closed = true;
  if (!c.usageReported) recorded.tokens_estimated = true;
  const row: Record<string, unknown> = {
    arrival_ms: round3(c.arrivalMs),
    route: c.route,
    input_tokens: c.inputTokens,
    output_tokens: c.outputTokens,
    cached_tokens: c.cachedTokens,
    stream: c.stream,
  };
  if (Object.keys(c.tags).length > 0) row.tags = c.tags;
  row.dialect = c.dialect;
  row.prompt_sha256 = c.prompt.sha256;
  row.prompt_chars = c.prompt.chars;
  row.prompt_messages = c.prompt.messages;
  if (c.prompt.dlp) row.prompt_dlp = c.prompt.dlp;
  if (c.prompt.text !== undefined) row.prompt = c.prompt.text;
  row.recorded = recorded;
  return `${JSON.stringify(row)}\n`;
}
