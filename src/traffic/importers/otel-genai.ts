/**
 * OpenTelemetry GenAI spans in OTLP JSON (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/):
 * `resourceSpans[].scopeSpans[].spans[]`, attributes as `[{key, value: {stringValue|intValue|…}}]`,
 * times in unix nanoseconds written as strings. One row per model-call span (operation `chat`,
 * `text_completion`, `generate_content`, or no operation but a `gen_ai.*` model or provider);
 * tool, agent and embeddings spans are not calls routebench replays and are passed over.
 * Both attribute generations are read: `gen_ai.system` and `gen_ai.provider.name`,
 * `gen_ai.usage.prompt_tokens`/`completion_tokens` and `input_tokens`/`output_tokens`. Model-call
 * spans under a model-call span of the same export request are its attempts, not rows.
 * Where the producer captured the prompt (`gen_ai.input.messages`, `gen_ai.system_instructions`,
 * the older `gen_ai.prompt`, OpenLLMetry's `gen_ai.prompt.<i>.content`), it is scanned by the DLP
 * detectors and only the names of those that fired are kept (`prompt_dlp`).
 */
import type { TraceRow } from '../trace-formats.js';
import type { RecordedAttempt, RecordedOutcome, Tags } from '../traffic-request.js';
import { boolOf, clampCached, classifyError, countOf, countProblem, dialectOf, isoMs, numberOf, outcome, str, unixNanoMs } from './fields.js';
import { at, logFormat } from './log-format.js';
import { promptDlpOf } from './prompt-dlp.js';

const MODEL_CALLS = new Set(['chat', 'text_completion', 'generate_content']);
/** Provider values renamed with `gen_ai.provider.name` (semantic conventions v1.37), so old and new producers name one target. */
const RENAMED: Record<string, string> = { 'az.ai.openai': 'azure.ai.openai', 'az.ai.inference': 'azure.ai.inference', xai: 'x_ai' };
/** Span events one per streamed chunk (OpenLLMetry's OpenAI wrapper): the first one is the first token. */
const CHUNK_EVENTS = new Set(['gen_ai.content.completion.chunk', 'llm.content.completion.chunk']);

/** The attributes read, each with a slot in `Attrs`; others (message contents can be large) are not decoded. */
const WANTED: string[] = [];
const slot = (key: string) => WANTED.push(key) - 1;
const OP = slot('gen_ai.operation.name');
const PROVIDER = slot('gen_ai.provider.name');
const SYSTEM = slot('gen_ai.system');
const REQUEST_MODEL = slot('gen_ai.request.model');
const RESPONSE_MODEL = slot('gen_ai.response.model');
const RESPONSE_ID = slot('gen_ai.response.id');
const LLM_REQUEST_TYPE = slot('llm.request.type');
const INPUT_TOKENS = slot('gen_ai.usage.input_tokens');
const PROMPT_TOKENS = slot('gen_ai.usage.prompt_tokens');
const OUTPUT_TOKENS = slot('gen_ai.usage.output_tokens');
const COMPLETION_TOKENS = slot('gen_ai.usage.completion_tokens');
const CACHE_READ = slot('gen_ai.usage.cache_read.input_tokens');
const CACHE_READ_OLD = slot('gen_ai.usage.cache_read_input_tokens');
const COST = slot('gen_ai.usage.cost');
const STREAM = slot('gen_ai.request.stream');
const IS_STREAMING = slot('gen_ai.is_streaming');
const LLM_IS_STREAMING = slot('llm.is_streaming');
const ERROR_TYPE = slot('error.type');
const HTTP_STATUS = slot('http.response.status_code');
const SERVER_ADDRESS = slot('server.address');
const USER_ID = slot('user.id');
const GEN_AI_USER = slot('gen_ai.user');
const SERVICE_NAME = slot('service.name');
const TTFC = slot('gen_ai.response.time_to_first_chunk');
const TTFT_SERVER = slot('gen_ai.server.time_to_first_token');
const MS_TO_FIRST_CHUNK = slot('ai.response.msToFirstChunk');
const COMPLETION_START = slot('langfuse.observation.completion_start_time');
// The prompt, where the producer captures content (opt-in everywhere): scanned for DLP findings, not kept.
const INPUT_MESSAGES = slot('gen_ai.input.messages');
const SYSTEM_INSTRUCTIONS = slot('gen_ai.system_instructions');
const PROMPT = slot('gen_ai.prompt');
/**
 * The wanted names by length, with their slots: a name is found with a comparison or two. Attribute
 * names are longer than the strings JSON.parse interns (10 characters in V8), so a Map lookup
 * hashed each one anew: ~75 ns against ~20 ns a name, 7 names a span.
 */
const NAMES_BY_LENGTH: string[][] = [];
const SLOTS_BY_LENGTH: number[][] = [];
WANTED.forEach((name, i) => {
  (NAMES_BY_LENGTH[name.length] ??= []).push(name);
  (SLOTS_BY_LENGTH[name.length] ??= []).push(i);
});

/** The slot of a wanted attribute name, or -1. */
function slotOf(key: string): number {
  const names = NAMES_BY_LENGTH[key.length];
  if (names !== undefined) for (let n = 0; n < names.length; n++) if (key === names[n]) return SLOTS_BY_LENGTH[key.length]![n]!;
  return -1;
}

/** A span's (or resource's) wanted attribute values, by slot: `a[SYSTEM]`. */
type Attrs = unknown[];
const NO_ATTRS: Attrs = [];

interface OtlpSpan {
  traceId?: unknown;
  spanId?: unknown;
  parentSpanId?: unknown;
  startTimeUnixNano?: unknown;
  endTimeUnixNano?: unknown;
  attributes?: unknown;
  events?: { name?: unknown; timeUnixNano?: unknown; attributes?: unknown }[];
  status?: { code?: unknown; message?: unknown };
}

function value(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  if (o.stringValue !== undefined) return o.stringValue;
  if (o.intValue !== undefined) return numberOf(o.intValue);
  if (o.doubleValue !== undefined) return numberOf(o.doubleValue);
  if (o.boolValue !== undefined) return o.boolValue;
  if (o.arrayValue !== undefined) return ((o.arrayValue as { values?: unknown[] } | null)?.values ?? []).map(value);
  if (o.kvlistValue !== undefined) {
    const out: Record<string, unknown> = {};
    for (const kv of (o.kvlistValue as { values?: { key?: unknown; value?: unknown }[] } | null)?.values ?? []) if (typeof kv?.key === 'string') out[kv.key] = value(kv.value);
    return out;
  }
  return undefined;
}

/**
 * Scratch slots, reused: a span's are read before the next span's are decoded, a resource's while its
 * spans are. Module-wide, yet never seen by two imports: `expand` runs through a record without yielding.
 */
const SPAN_ATTRS: Attrs = new Array<unknown>(WANTED.length).fill(undefined);
const RESOURCE_ATTRS: Attrs = new Array<unknown>(WANTED.length).fill(undefined);
/** A span's OpenLLMetry prompt attributes (`gen_ai.prompt.<i>.content`), reused as SPAN_ATTRS is. */
const PROMPT_PARTS: unknown[] = [];
const isPromptPart = (key: string) => key.startsWith('gen_ai.prompt.') && key.endsWith('.content');

/** Decodes the wanted attributes of `list` into `out` (cleared first); NO_ATTRS when there are none. */
function attributes(list: unknown, out: Attrs): Attrs {
  // (a loop, and no length set when already 0: fill() and the length setter are calls into the runtime, a tenth of this function)
  if (out === SPAN_ATTRS && PROMPT_PARTS.length !== 0) PROMPT_PARTS.length = 0;
  if (!Array.isArray(list) || list.length === 0) return NO_ATTRS;
  for (let i = 0; i < out.length; i++) out[i] = undefined;
  for (let i = 0; i < list.length; i++) {
    const kv = list[i] as { key?: unknown; value?: unknown } | null;
    if (kv === null || typeof kv !== 'object' || typeof kv.key !== 'string') continue;
    const slot = slotOf(kv.key);
    if (slot >= 0) out[slot] = value(kv.value);
    else if (out === SPAN_ATTRS && isPromptPart(kv.key)) PROMPT_PARTS.push(value(kv.value));
  }
  return out;
}

interface Call {
  row: TraceRow | string;
  /** Indexes of resourceSpans, scopeSpans, spans: the path is only spelled out for a message. */
  i: number;
  j: number;
  k: number;
  spanId?: string;
  parentSpanId?: string;
}

const pathOf = (c: Call) => `resourceSpans[${c.i}].scopeSpans[${c.j}].spans[${c.k}]`;
const idOf = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

function expand(doc: unknown, emit: (row: TraceRow | string) => void, shared: Shared): void {
  const resourceSpans = (doc as { resourceSpans?: unknown } | null)?.resourceSpans;
  if (!Array.isArray(resourceSpans)) return emit('not an OTLP ExportTraceServiceRequest: no "resourceSpans" array');
  const calls: Call[] = [];
  let parented = false;
  for (let i = 0; i < resourceSpans.length; i++) {
    const rs = resourceSpans[i] as { resource?: { attributes?: unknown }; scopeSpans?: unknown; instrumentationLibrarySpans?: unknown } | null;
    const resource = attributes(rs?.resource?.attributes, RESOURCE_ATTRS);
    const scopes = rs?.scopeSpans ?? rs?.instrumentationLibrarySpans;
    if (!Array.isArray(scopes)) continue;
    for (let j = 0; j < scopes.length; j++) {
      const spans = (scopes[j] as { spans?: unknown } | null)?.spans;
      if (!Array.isArray(spans)) continue;
      for (let k = 0; k < spans.length; k++) {
        const span = spans[k] as OtlpSpan;
        const row = spanRow(span, resource, shared);
        if (row === undefined) continue;
        const parentSpanId = idOf(span.parentSpanId);
        if (parentSpanId !== undefined) parented = true;
        calls.push({ row, i, j, k, spanId: idOf(span.spanId), parentSpanId });
      }
    }
  }
  if (!parented) {
    // No model call has a parent span: every one is a row (the common export of a client SDK).
    for (const c of calls) emit(typeof c.row === 'string' ? at(pathOf(c), c.row) : c.row);
    return;
  }
  // A model call whose parent is a model call of the same export request is an attempt of it
  // (a gateway's request span over its upstream calls, or one span per retry): the parent is the
  // row, its children its attempts, so the call is not counted twice.
  const modelCalls = new Set<string>();
  for (const c of calls) if (c.spanId !== undefined) modelCalls.add(c.spanId);
  const children = new Map<string, Call[]>();
  for (const c of calls)
    if (c.parentSpanId !== undefined && modelCalls.has(c.parentSpanId) && c.parentSpanId !== c.spanId) {
      const list = children.get(c.parentSpanId);
      if (list) list.push(c);
      else children.set(c.parentSpanId, [c]);
    }
  for (const c of calls) {
    if (c.parentSpanId !== undefined && children.get(c.parentSpanId)?.includes(c)) {
      if (typeof c.row === 'string') emit(at(pathOf(c), c.row));
      continue;
    }
    if (typeof c.row === 'string') {
      emit(at(pathOf(c), c.row));
      continue;
    }
    const kids = c.spanId === undefined ? undefined : children.get(c.spanId);
    if (kids !== undefined) {
      const attempts = kids.filter((k): k is Call & { row: TraceRow } => typeof k.row !== 'string').sort((x, y) => x.row.timeMs - y.row.timeMs);
      c.row.recorded!.attempts = attempts.map(({ row: { recorded: r } }) => {
        const attempt: RecordedAttempt = { target: r!.target!, status: r!.status! };
        if (r!.latency_ms !== undefined) attempt.latency_ms = r!.latency_ms;
        if (r!.error_kind !== undefined) attempt.error_kind = r!.error_kind;
        return attempt;
      });
    }
    emit(c.row);
  }
}

/** Epoch ms of 2000-01-01: no GenAI span started before it. */
const YEAR_2000_MS = 946_684_800_000;

/** The row of one span; undefined for spans that are not model calls. */
function spanRow(span: OtlpSpan, resource: Attrs, shared: Shared): TraceRow | string | undefined {
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
interface Shared {
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

export const otelGenai = logFormat({
  name: 'otel-genai',
  description: 'OpenTelemetry GenAI spans, OTLP JSON: one ExportTraceServiceRequest per line, or one document up to 64 MiB (gen_ai.* attributes, old and new names)',
  createExpand: () => {
    const shared: Shared = { tags: undefined, service: undefined, user: undefined, model: undefined };
    return (doc, emit) => expand(doc, emit, shared);
  },
});
