/**
 * Row parsers for the trace formats routebench reads: its own JSONL, the Azure LLM inference
 * 2023 and 2024 CSV, Mooncake JSONL and BurstGPT CSV; the log importers (OTel GenAI spans, LiteLLM,
 * OpenRouter, Portkey) live in ./importers, one file each. Each parser turns one line into a TraceRow or an
 * error message; the reader adds file:line and applies the bad-row policy.
 */
import type { PromptDlp, RecordedOutcome, Tags } from './traffic-request.js';
import { parseAzureTime, splitCsvLine } from './csv.js';
import type { DialectName } from '../providers/canonical.js';
import { otelGenai } from './importers/otel-genai.js';
import { litellm } from './importers/litellm.js';
import { openrouter } from './importers/openrouter.js';
import { portkey } from './importers/portkey.js';
import { countProblem } from './importers/fields.js';

export interface TraceRow {
  /** Time in the trace's own clock, ms (made relative to the first row by the reader). */
  timeMs: number;
  id?: string;
  route?: string;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  stream?: boolean;
  tags?: Tags;
  dialect?: DialectName;
  recorded?: RecordedOutcome;
  /** DLP detectors that fired on the prompt (names only). */
  promptDlp?: PromptDlp;
}

/** Parses one data line; returns a message on failure. */
export type RowParser = (text: string) => TraceRow | string;

/** A row (or the message saying why it is not one) and the line of the file it comes from. */
export interface SourcedRow {
  lineNo: number;
  row: TraceRow | string;
}

export interface TraceFormat {
  name: string;
  description: string;
  /** CSV formats: the first line is a header, passed to createParser. */
  hasHeader: boolean;
  createParser(header: string[] | undefined): RowParser | string;
  /**
   * Log importers read the file themselves (one line may hold many rows, a JSON document may span
   * lines) and yield rows in arrival order; the reader then never calls createParser.
   */
  readRows?: (file: string) => AsyncIterable<SourcedRow[]>;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
/** A CSV cell as a number; a blank cell is NaN (not 0, as Number('') would say). */
const num = (cell: string | undefined): number => (cell === undefined || cell.trim() === '' ? NaN : Number(cell));
const countError = countProblem;

const routebench: TraceFormat = {
  name: 'routebench',
  description: 'routebench JSONL: {"arrival_ms", "route", "input_tokens", "output_tokens", "cached_tokens"?, "stream"?, "tags"?, "id"?, "recorded"?, "prompt_dlp"?}',
  hasHeader: false,
  createParser: () => (text) => {
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      return `not valid JSON (${(e as Error).message})`;
    }
    if (row === null || typeof row !== 'object' || Array.isArray(row)) return 'each line must be a JSON object';
    const { arrival_ms, route, input_tokens, output_tokens, cached_tokens = 0, stream, tags, id, recorded, dialect, prompt_dlp } = row;
    if (typeof arrival_ms !== 'number' || !Number.isFinite(arrival_ms) || arrival_ms < 0) return `arrival_ms must be a number ≥ 0, got ${JSON.stringify(arrival_ms)}`;
    if (route !== undefined && (typeof route !== 'string' || route === '')) return `route must be a non-empty string, got ${JSON.stringify(route)}`;
    if (!isCount(input_tokens)) return countError('input_tokens', input_tokens);
    if (!isCount(output_tokens)) return countError('output_tokens', output_tokens);
    if (!isCount(cached_tokens) || cached_tokens > input_tokens) return `cached_tokens must be a whole number between 0 and input_tokens, got ${JSON.stringify(cached_tokens)}`;
    if (stream !== undefined && typeof stream !== 'boolean') return `stream must be true or false, got ${JSON.stringify(stream)}`;
    if (tags !== undefined && (tags === null || typeof tags !== 'object' || Array.isArray(tags) || Object.values(tags).some((v) => typeof v !== 'string')))
      return 'tags must be an object of string values, e.g. {"project": "web"}';
    if (id !== undefined && typeof id !== 'string') return `id must be a string, got ${JSON.stringify(id)}`;
    if (dialect !== undefined && dialect !== 'openai' && dialect !== 'anthropic') return `dialect must be "openai" or "anthropic", got ${JSON.stringify(dialect)}`;
    if (recorded !== undefined && (recorded === null || typeof recorded !== 'object' || typeof (recorded as RecordedOutcome).ok !== 'boolean'))
      return 'recorded must be an object with at least {"ok": true|false}';
    const promptDlp = prompt_dlp === undefined ? undefined : promptDlpOf(prompt_dlp);
    if (typeof promptDlp === 'string') return promptDlp;
    return {
      timeMs: arrival_ms,
      id,
      route: route as string | undefined,
      inputTokens: input_tokens,
      outputTokens: output_tokens,
      cachedTokens: cached_tokens,
      stream,
      tags: tags as Tags | undefined,
      dialect: dialect as DialectName | undefined,
      recorded: recorded as RecordedOutcome | undefined,
      promptDlp,
    };
  },
};

const DETECTOR_NAMES = (v: unknown) => Array.isArray(v) && v.every((d) => typeof d === 'string' && /^[a-z][a-z0-9_]*$/.test(d));

/** `prompt_dlp` of a row: `{"found": [names], "overlapped"?: [names], "withheld"?: bool}`; only the names are kept. */
function promptDlpOf(v: unknown): PromptDlp | string {
  const o = v as { found?: unknown; overlapped?: unknown } | null;
  if (o === null || typeof o !== 'object' || Array.isArray(o) || !DETECTOR_NAMES(o.found) || (o.overlapped !== undefined && !DETECTOR_NAMES(o.overlapped)))
    return `prompt_dlp must be {"found": [detector names], "overlapped"?: [detector names]}, got ${JSON.stringify(v).slice(0, 120)}`;
  return o.overlapped === undefined || (o.overlapped as string[]).length === 0 ? { found: o.found as string[] } : { found: o.found as string[], overlapped: o.overlapped as string[] };
}

const azure: TraceFormat = {
  name: 'azure',
  description: 'Azure LLM inference trace 2023/2024 CSV: TIMESTAMP,ContextTokens,GeneratedTokens',
  hasHeader: true,
  createParser(header) {
    const idx = columnIndexes(header ?? [], ['TIMESTAMP', 'ContextTokens', 'GeneratedTokens']);
    if (typeof idx === 'string') return idx;
    const [t, ctx, gen] = idx;
    // Times are ms from the first row's whole second: small numbers, so differences keep every digit.
    let originSec: number | undefined;
    return (text) => {
      const cols = splitCsvLine(text);
      const time = parseAzureTime(cols[t] ?? '');
      if (time === undefined) return `TIMESTAMP "${cols[t]}" is not an Azure trace time ("2023-11-16 18:15:46.6805900" or "2024-05-10 00:00:00.009930+00:00")`;
      originSec ??= time.epochSec;
      const timeMs = (time.epochSec - originSec) * 1000 + time.fracMs;
      const input = num(cols[ctx]);
      const output = num(cols[gen]);
      if (!isCount(input)) return countError('ContextTokens', cols[ctx]);
      if (!isCount(output)) return countError('GeneratedTokens', cols[gen]);
      return { timeMs, inputTokens: input, outputTokens: output, cachedTokens: 0 };
    };
  },
};

/** Mooncake prefix blocks are 512 tokens; ids seen before mean a reusable (cacheable) prefix. */
const MOONCAKE_BLOCK = 512;

const mooncake: TraceFormat = {
  name: 'mooncake',
  description: 'Mooncake (FAST 2025) JSONL: timestamp (ms), input_length, output_length, hash_ids',
  hasHeader: false,
  createParser() {
    const seen = new Set<number>();
    return (text) => {
      let row: Record<string, unknown>;
      try {
        row = JSON.parse(text) as Record<string, unknown>;
      } catch (e) {
        return `not valid JSON (${(e as Error).message})`;
      }
      const { timestamp, input_length, output_length, hash_ids } = row ?? {};
      if (typeof timestamp !== 'number' || !(timestamp >= 0)) return `timestamp must be a number of ms ≥ 0, got ${JSON.stringify(timestamp)}`;
      if (!isCount(input_length)) return countError('input_length', input_length);
      if (!isCount(output_length)) return countError('output_length', output_length);
      let cachedBlocks = 0;
      if (Array.isArray(hash_ids)) {
        let prefix = true;
        for (const h of hash_ids) {
          if (prefix && seen.has(h as number)) cachedBlocks++;
          else prefix = false;
          seen.add(h as number);
        }
      }
      return {
        timeMs: timestamp,
        inputTokens: input_length,
        outputTokens: output_length,
        cachedTokens: Math.min(input_length, cachedBlocks * MOONCAKE_BLOCK),
      };
    };
  },
};

const burstgpt: TraceFormat = {
  name: 'burstgpt',
  description: 'BurstGPT CSV (columns by name): Timestamp (s), Model, Request tokens, Response tokens; 0 response tokens = failed',
  hasHeader: true,
  createParser(header) {
    const idx = columnIndexes(header ?? [], ['Timestamp', 'Model', 'Request tokens', 'Response tokens']);
    if (typeof idx === 'string') return idx;
    const [t, model, req, res] = idx;
    const logType = (header ?? []).map((h) => h.trim()).indexOf('Log Type');
    return (text) => {
      const cols = splitCsvLine(text);
      const seconds = num(cols[t]);
      if (!(seconds >= 0)) return `Timestamp must be seconds ≥ 0, got ${JSON.stringify(cols[t])}`;
      const input = num(cols[req]);
      const output = num(cols[res]);
      if (!isCount(input)) return countError('Request tokens', cols[req]);
      if (!isCount(output)) return countError('Response tokens', cols[res]);
      const route = cols[model]?.trim();
      if (!route) return 'Model is empty';
      const tags = logType >= 0 && cols[logType] ? { log_type: cols[logType]!.trim() } : undefined;
      return {
        timeMs: seconds * 1000,
        route,
        inputTokens: input,
        outputTokens: output,
        cachedTokens: 0,
        tags,
        recorded: output === 0 ? { ok: false } : { ok: true },
      };
    };
  },
};

function columnIndexes(header: string[], names: string[]): number[] | string {
  const trimmed = header.map((h) => h.trim());
  const missing = names.filter((n) => !trimmed.includes(n));
  if (missing.length > 0) return `header is missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} (found: ${trimmed.join(', ')})`;
  return names.map((n) => trimmed.indexOf(n));
}

/** The registry of trace formats. */
export const traceFormats: Record<string, TraceFormat> = { routebench, azure, mooncake, burstgpt, 'otel-genai': otelGenai, litellm, openrouter, portkey };

export { defaultFormatFor } from './default-format.js';
