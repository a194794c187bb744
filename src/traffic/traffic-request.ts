/**
 * One request to replay: when it arrives and what it asks for. Traces and synthetic generators
 * both produce these, in arrival order, in batches; the engine never sees where they came from.
 */
import type { DialectName } from '../providers/canonical.js';
import type { PromptDlp } from '../dlp/prompt-findings.js';

export type { PromptDlp };

export type Tags = Readonly<Record<string, string>>;

/** One upstream attempt of a request, where the source logs them (OpenRouter `provider_responses`). */
export interface RecordedAttempt {
  target: string;
  /** HTTP status; 0 when the log gives none. */
  status: number;
  latency_ms?: number;
  error_kind?: string;
}

/**
 * What a trace recorded about the original request's fate (BurstGPT failures, recordings,
 * imported logs). Field names are those of the JSONL `recorded` object.
 */
export interface RecordedOutcome {
  ok: boolean;
  status?: number;
  latency_ms?: number;
  ttft_ms?: number;
  error_kind?: string;
  target?: string;
  request_id?: string;
  /** The source's trace id (OTel traceId, Portkey trace_id): calls of one workflow or fallback chain share it. */
  trace_id?: string;
  cost_usd?: number;
  /** Retries on the same target folded into this row, where the source counts them. */
  retries?: number;
  /** Fallbacks to other targets before this row's outcome, where the source counts them. */
  fallbacks?: number;
  /** Answered from the gateway's cache (target `cache`). */
  cache_hit?: boolean;
  client_closed?: boolean;
  /** The source reported no usage: token counts are 0 placeholders or estimates. */
  tokens_estimated?: boolean;
  /**
   * Upstream attempts in order, the last one being the outcome above; or only their number where
   * that is all the source says, or all there is to say (`routebench record` behind `serve`, a
   * Portkey log that is one attempt).
   */
  attempts?: RecordedAttempt[] | number;
}

export interface TrafficRequest {
  /** 0-based position in the replayed traffic: the request number in every run. */
  readonly index: number;
  /** The trace's own id, if it has one. */
  readonly id?: string;
  /** Scheduled send time, ms from the start of the run (after window and speed-up). */
  readonly arrivalMs: number;
  /** Model name or logical route key the caller asked for. */
  readonly route: string;
  readonly inputTokens: number;
  /** Input tokens expected to be prompt-cache reads (part of inputTokens). */
  readonly cachedTokens: number;
  readonly outputTokens: number;
  readonly stream: boolean;
  readonly tags: Tags;
  /** Wire dialect of the call, where the trace says (recordings, imported logs). */
  readonly dialect?: DialectName;
  readonly recorded?: RecordedOutcome;
  /**
   * The DLP detectors that fired on the original prompt (names only), where the trace says: rows
   * of `routebench record`, and imported logs whose records carry the prompt text (scanned at
   * import, the text not kept). Read by the `dlp` wrapper's `prompts: trace`.
   */
  readonly promptDlp?: PromptDlp;
}

/** How many requests travel together between the traffic reader and the engine. */
export const TRAFFIC_BATCH = 4096;

/** A source of traffic: arrival-ordered batches, read lazily so memory stays constant. */
export type TrafficSource = AsyncIterable<TrafficRequest[]>;

/** Facts about a traffic pass, filled in while it is read. */
export interface TrafficStats {
  rows: number;
  skippedRows: number;
  /** The first few skipped rows, for the summary. */
  skippedSamples: string[];
  /** Requests recorded as failed whose output size was drawn from the trace's answers (impute-output.ts). */
  imputedOutput: number;
}

export function newTrafficStats(): TrafficStats {
  return { rows: 0, skippedRows: 0, skippedSamples: [], imputedOutput: 0 };
}

/** A canonical string for a tag set (sorted keys), used to intern tag sets. */
export function tagKey(tags: Tags): string {
  const keys = Object.keys(tags);
  if (keys.length === 0) return '';
  if (keys.length > 1) keys.sort();
  let out = '';
  for (const k of keys) out += `${k}=${tags[k]}\u0001`;
  return out;
}
