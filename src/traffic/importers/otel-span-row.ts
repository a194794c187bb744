/**
 * One OTLP span as a routebench row (otel-genai.ts): the model call's start, usage, outcome
 * (status, error type, HTTP status, TTFT in any of the forms producers record), its tags, and the
 * DLP findings of its prompt where one was captured; spans that are not model calls give nothing.
 */
import type { TraceRow } from '../trace-formats.js';
import type { RecordedOutcome, Tags } from '../traffic-request.js';
import { boolOf, clampCached, classifyError, countOf, countProblem, dialectOf, isoMs, numberOf, outcome, str, unixNanoMs } from './fields.js';
import {
  attributes, PROMPT_PARTS, SPAN_ATTRS, value, type Attrs,
  CACHE_READ, CACHE_READ_OLD, COMPLETION_START, COMPLETION_TOKENS, COST, ERROR_TYPE, GEN_AI_USER, HTTP_STATUS, INPUT_MESSAGES, INPUT_TOKENS, IS_STREAMING, LLM_IS_STREAMING, LLM_REQUEST_TYPE, MS_TO_FIRST_CHUNK,
  OP, OUTPUT_TOKENS, PROMPT, PROMPT_TOKENS, PROVIDER, REQUEST_MODEL, RESPONSE_ID, RESPONSE_MODEL, SERVER_ADDRESS, SERVICE_NAME, STREAM, SYSTEM, SYSTEM_INSTRUCTIONS, TTFC, TTFT_SERVER, USER_ID,
} from './otel-attributes.js';
import { promptDlpOf } from './prompt-dlp.js';

export interface OtlpSpan {
  traceId?: unknown;
  spanId?: unknown;
  parentSpanId?: unknown;
  startTimeUnixNano?: unknown;
  endTimeUnixNano?: unknown;
  attributes?: unknown;
  events?: { name?: unknown; timeUnixNano?: unknown; attributes?: unknown }[];
  status?: { code?: unknown; message?: unknown };
}

const MODEL_CALLS = new Set(['chat', 'text_completion', 'generate_content']);
/** Provider values renamed with `gen_ai.provider.name` (semantic conventions v1.37), so old and new producers name one target. */
const RENAMED: Record<string, string> = { 'az.ai.openai': 'azure.ai.openai', 'az.ai.inference': 'azure.ai.inference', xai: 'x_ai' };
/** Span events one per streamed chunk (OpenLLMetry's OpenAI wrapper): the first one is the first token. */
const CHUNK_EVENTS = new Set(['gen_ai.content.completion.chunk', 'llm.content.completion.chunk']);

/** Epoch ms of 2000-01-01: no GenAI span started before it. */
const YEAR_2000_MS = 946_684_800_000;

/** The row of one span; undefined for spans that are not model calls. */
export function spanRow(span: OtlpSpan, resource: Attrs, shared: Shared): TraceRow | string | undefined {
  const a = attributes(span?.attributes, SPAN_ATTRS);
  const op = str(a[OP]);
  const rawProvider = str(a[PROVIDER]) ?? str(a[SYSTEM]);
  const model = sameAsLast(shared, str(a[REQUEST_MODEL]) ?? str(a[RESPONSE_MODEL]));
  if (op === undefined ? rawProvider === undefined && model === undefined : !MODEL_CALLS.has(op)) return undefined;
  if (op === undefined && a[LLM_REQUEST_TYPE] === 'embedding') return undefined;
  const start = unixNanoMs(span.startTimeUnixNano);
  const end = unixNanoMs(span.endTimeUnixNano);
  if (start === undefined) return `startTimeUnixNano must be unix nanoseconds, got ${JSON.stringify(span.startTimeUnixNano)}`;
  // seconds or milliseconds written where nanoseconds belong read as 1970 (and a latency of ~0)
  if (start < YEAR_2000_MS)
    return `startTimeUnixNano must be unix nanoseconds, got ${JSON.stringify(span.startTimeUnixNano)} (${new Date(start).toISOString()}: seconds or milliseconds? multiply to nanoseconds)`;
  if (end === undefined || end < start) return `endTimeUnixNano must be unix nanoseconds ≥ startTimeUnixNano, got ${JSON.stringify(span.endTimeUnixNano)}`;
  const latency = end - start;

  const inputRaw = a[INPUT_TOKENS] ?? a[PROMPT_TOKENS];
  const outputRaw = a[OUTPUT_TOKENS] ?? a[COMPLETION_TOKENS];
  const input = inputRaw === undefined ? 0 : countOf(inputRaw);
  const output = outputRaw === undefined ? 0 : countOf(outputRaw);
  if (input === undefined) return countProblem('gen_ai.usage.input_tokens', inputRaw);
  if (output === undefined) return countProblem('gen_ai.usage.output_tokens', outputRaw);
  const cached = countOf(a[CACHE_READ] ?? a[CACHE_READ_OLD]);

  const provider = rawProvider === undefined ? undefined : (RENAMED[rawProvider] ?? rawProvider);
  const code = span.status?.code;
  const errorType = str(a[ERROR_TYPE]);
  const failed = code === 2 || code === 'STATUS_CODE_ERROR' || errorType !== undefined;
  const httpStatus = countOf(a[HTTP_STATUS]);
  const ttft = ttftMs(a, span, start);
  const ttftOk = ttft !== undefined && ttft >= 0 && ttft <= latency ? ttft : undefined;
  const target = provider ?? str(a[SERVER_ADDRESS]) ?? 'unknown';
  let recorded: RecordedOutcome;
  if (failed) {
    const numeric = errorType !== undefined && /^\d{3}$/.test(errorType) ? Number(errorType) : undefined;
    const e = classifyError(httpStatus ?? numeric, numeric === undefined ? errorType : undefined, undefined, str(span.status?.message));
    recorded = outcome(false, e.status, latency, ttftOk, e.kind, target);
  } else recorded = outcome(true, httpStatus ?? 200, latency, ttftOk, undefined, target);
  const responseId = str(a[RESPONSE_ID]);
  if (responseId !== undefined) recorded.request_id = responseId;
  if (typeof span.traceId === 'string' && span.traceId !== '') recorded.trace_id = span.traceId;
  const cost = numberOf(a[COST]);
  if (cost !== undefined) recorded.cost_usd = cost;
  if (inputRaw === undefined && outputRaw === undefined) recorded.tokens_estimated = true;

  const tags = tagsOf(shared, str(resource[SERVICE_NAME]), str(a[USER_ID]) ?? str(a[GEN_AI_USER]));
  const stream = boolOf(a[STREAM] ?? a[IS_STREAMING] ?? a[LLM_IS_STREAMING]);
  const eventPrompt = promptEvent(span);
  const promptDlp =
    a[INPUT_MESSAGES] === undefined && a[SYSTEM_INSTRUCTIONS] === undefined && a[PROMPT] === undefined && PROMPT_PARTS.length === 0 && eventPrompt === undefined
      ? undefined
      : promptDlpOf(a[SYSTEM_INSTRUCTIONS], a[INPUT_MESSAGES], a[PROMPT], PROMPT_PARTS, eventPrompt);
  return {
    timeMs: start,
    id: typeof span.spanId === 'string' && span.spanId !== '' ? span.spanId : undefined,
    route: model,
    inputTokens: input,
    outputTokens: output,
    cachedTokens: clampCached(cached, input),
    stream,
    tags,
    dialect: dialectOf(provider),
    recorded,
    promptDlp,
  };
}

/**
 * Rows wait in the reorder window (reorder.ts), so what they hold is copied by each young-generation
 * GC until it is old: consecutive spans of one service and user share one tags object (nothing
 * changes a row's tags once read), and of one model one route string. What was last made lives in
 * one of these per import (`createExpand`): never shared with the rows of another import, even one
 * read interleaved with it in the same process.
 */
export interface Shared {
  tags: Tags | undefined;
  service: string | undefined;
  user: string | undefined;
  model: string | undefined;
}

function tagsOf(last: Shared, service: string | undefined, user: string | undefined): Tags | undefined {
  if (service === undefined && user === undefined) return undefined;
  if (last.tags === undefined || service !== last.service || user !== last.user) {
    const tags: Record<string, string> = {};
    if (service !== undefined) tags.service = service;
    if (user !== undefined) tags.user = user;
    last.tags = tags;
    last.service = service;
    last.user = user;
  }
  return last.tags;
}

function sameAsLast(last: Shared, model: string | undefined): string | undefined {
  if (model === undefined) return undefined;
  if (model === last.model) return last.model;
  return (last.model = model);
}

/** The `gen_ai.prompt` attribute of a `gen_ai.content.prompt` span event (the older GenAI conventions), if any. */
function promptEvent(span: OtlpSpan): unknown {
  if (!Array.isArray(span.events)) return undefined;
  for (const e of span.events) {
    if (e?.name !== 'gen_ai.content.prompt' || !Array.isArray(e.attributes)) continue;
    for (const kv of e.attributes as { key?: unknown; value?: unknown }[]) if (kv?.key === 'gen_ai.prompt') return value(kv.value);
  }
  return undefined;
}

/** TTFT in ms from the span start, from whichever form the producer records. */
function ttftMs(a: Attrs, span: OtlpSpan, start: number): number | undefined {
  const seconds = numberOf(a[TTFC] ?? a[TTFT_SERVER]);
  if (seconds !== undefined) return seconds * 1000;
  const ms = numberOf(a[MS_TO_FIRST_CHUNK]);
  if (ms !== undefined) return ms;
  const completionStart = str(a[COMPLETION_START]);
  if (completionStart !== undefined) {
    const t = isoMs(completionStart.replace(/^"|"$/g, ''));
    if (t !== undefined) return t - start;
  }
  if (Array.isArray(span.events))
    for (const e of span.events) {
      if (typeof e?.name === 'string' && CHUNK_EVENTS.has(e.name)) {
        const t = unixNanoMs(e.timeUnixNano);
        return t === undefined ? undefined : t - start;
      }
    }
  return undefined;
}

