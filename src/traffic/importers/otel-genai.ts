/**
 * OpenTelemetry GenAI spans in OTLP JSON (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/):
 * `resourceSpans[].scopeSpans[].spans[]`, attributes as `[{key, value: {stringValue|intValue|…}}]`,
 * times in unix nanoseconds written as strings. One row per model-call span (operation `chat`,
 * `text_completion`, `generate_content`, or no operation but a `gen_ai.*` model or provider);
 * tool, agent and embeddings spans are not calls routebench replays and are passed over.
 * Both attribute generations are read: `gen_ai.system` and `gen_ai.provider.name`,
 * `gen_ai.usage.prompt_tokens`/`completion_tokens` and `input_tokens`/`output_tokens`. Model-call
 * spans under a model-call span of the same export request are its attempts, not rows.
 */
import type { TraceRow } from '../trace-formats.js';
import type { RecordedAttempt, RecordedOutcome, Tags } from '../traffic-request.js';
import { boolOf, clampCached, classifyError, countOf, dialectOf, isoMs, numberOf, outcome, str, unixNanoMs } from './fields.js';
import { at, logFormat } from './log-format.js';

const MODEL_CALLS = new Set(['chat', 'text_completion', 'generate_content']);
/** Provider values renamed with `gen_ai.provider.name` (semantic conventions v1.37), so old and new producers name one target. */
const RENAMED: Record<string, string> = { 'az.ai.openai': 'azure.ai.openai', 'az.ai.inference': 'azure.ai.inference', xai: 'x_ai' };
/** Span events one per streamed chunk (OpenLLMetry's OpenAI wrapper): the first one is the first token. */
const CHUNK_EVENTS = new Set(['gen_ai.content.completion.chunk', 'llm.content.completion.chunk']);

type Attrs = Record<string, unknown>;

/** The attributes read; others (message contents can be large) are not decoded. */
const WANTED = new Set([
  'gen_ai.operation.name', 'gen_ai.provider.name', 'gen_ai.system', 'gen_ai.request.model', 'gen_ai.response.model', 'gen_ai.response.id', 'llm.request.type',
  'gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens',
  'gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens', 'gen_ai.usage.cost',
  'gen_ai.request.stream', 'gen_ai.is_streaming', 'llm.is_streaming', 'error.type', 'http.response.status_code', 'server.address', 'user.id', 'gen_ai.user', 'service.name',
  'gen_ai.response.time_to_first_chunk', 'gen_ai.server.time_to_first_token', 'ai.response.msToFirstChunk', 'langfuse.observation.completion_start_time',
]);

interface OtlpSpan {
  traceId?: unknown;
  spanId?: unknown;
  startTimeUnixNano?: unknown;
  endTimeUnixNano?: unknown;
  attributes?: unknown;
  events?: { name?: unknown; timeUnixNano?: unknown }[];
  status?: { code?: unknown; message?: unknown };
}

function value(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  if ('stringValue' in o) return o.stringValue;
  if ('intValue' in o) return numberOf(o.intValue);
  if ('doubleValue' in o) return numberOf(o.doubleValue);
  if ('boolValue' in o) return o.boolValue;
  if ('arrayValue' in o) return ((o.arrayValue as { values?: unknown[] } | null)?.values ?? []).map(value);
  return undefined;
}

function attributes(list: unknown): Attrs {
  const out: Attrs = {};
  if (Array.isArray(list)) for (const kv of list as { key?: unknown; value?: unknown }[]) if (kv && typeof kv.key === 'string' && WANTED.has(kv.key)) out[kv.key] = value(kv.value);
  return out;
}

interface Call {
  row: TraceRow | string;
  path: string;
  spanId?: string;
  parentSpanId?: string;
}

const idOf = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

function expand(doc: unknown, emit: (row: TraceRow | string) => void): void {
  const resourceSpans = (doc as { resourceSpans?: unknown } | null)?.resourceSpans;
  if (!Array.isArray(resourceSpans)) return emit('not an OTLP ExportTraceServiceRequest: no "resourceSpans" array');
  const calls: Call[] = [];
  resourceSpans.forEach((rs: { resource?: { attributes?: unknown }; scopeSpans?: unknown; instrumentationLibrarySpans?: unknown } | null, i) => {
    const resource = attributes(rs?.resource?.attributes);
    const scopes = rs?.scopeSpans ?? rs?.instrumentationLibrarySpans;
    if (!Array.isArray(scopes)) return;
    scopes.forEach((ss: { spans?: unknown } | null, j) => {
      if (!Array.isArray(ss?.spans)) return;
      ss.spans.forEach((span: OtlpSpan & { parentSpanId?: unknown }, k) => {
        const row = spanRow(span, resource);
        if (row !== undefined) calls.push({ row, path: `resourceSpans[${i}].scopeSpans[${j}].spans[${k}]`, spanId: idOf(span.spanId), parentSpanId: idOf(span.parentSpanId) });
      });
    });
  });
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
      if (typeof c.row === 'string') emit(at(c.path, c.row));
      continue;
    }
    if (typeof c.row === 'string') {
      emit(at(c.path, c.row));
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

/** The row of one span; undefined for spans that are not model calls. */
function spanRow(span: OtlpSpan, resource: Attrs): TraceRow | string | undefined {
  const a = attributes(span?.attributes);
  const op = str(a['gen_ai.operation.name']);
  const rawProvider = str(a['gen_ai.provider.name']) ?? str(a['gen_ai.system']);
  const model = str(a['gen_ai.request.model']) ?? str(a['gen_ai.response.model']);
  if (op === undefined ? rawProvider === undefined && model === undefined : !MODEL_CALLS.has(op)) return undefined;
  if (op === undefined && a['llm.request.type'] === 'embedding') return undefined;
  const start = unixNanoMs(span.startTimeUnixNano);
  const end = unixNanoMs(span.endTimeUnixNano);
  if (start === undefined) return `startTimeUnixNano must be unix nanoseconds, got ${JSON.stringify(span.startTimeUnixNano)}`;
  if (end === undefined || end < start) return `endTimeUnixNano must be unix nanoseconds ≥ startTimeUnixNano, got ${JSON.stringify(span.endTimeUnixNano)}`;
  const latency = end - start;

  const inputRaw = a['gen_ai.usage.input_tokens'] ?? a['gen_ai.usage.prompt_tokens'];
  const outputRaw = a['gen_ai.usage.output_tokens'] ?? a['gen_ai.usage.completion_tokens'];
  const input = inputRaw === undefined ? 0 : countOf(inputRaw);
  const output = outputRaw === undefined ? 0 : countOf(outputRaw);
  if (input === undefined) return `gen_ai.usage.input_tokens must be a whole number ≥ 0, got ${JSON.stringify(inputRaw)}`;
  if (output === undefined) return `gen_ai.usage.output_tokens must be a whole number ≥ 0, got ${JSON.stringify(outputRaw)}`;
  const cached = countOf(a['gen_ai.usage.cache_read.input_tokens'] ?? a['gen_ai.usage.cache_read_input_tokens']);

  const provider = rawProvider === undefined ? undefined : (RENAMED[rawProvider] ?? rawProvider);
  const code = span.status?.code;
  const errorType = str(a['error.type']);
  const failed = code === 2 || code === 'STATUS_CODE_ERROR' || errorType !== undefined;
  const httpStatus = countOf(a['http.response.status_code']);
  const ttft = ttftMs(a, span, start);
  const ttftOk = ttft !== undefined && ttft >= 0 && ttft <= latency ? ttft : undefined;
  const target = provider ?? str(a['server.address']) ?? 'unknown';
  let recorded: RecordedOutcome;
  if (failed) {
    const numeric = errorType !== undefined && /^\d{3}$/.test(errorType) ? Number(errorType) : undefined;
    const e = classifyError(httpStatus ?? numeric, numeric === undefined ? errorType : undefined, undefined, str(span.status?.message));
    recorded = outcome(false, e.status, latency, ttftOk, e.kind, target);
  } else recorded = outcome(true, httpStatus ?? 200, latency, ttftOk, undefined, target);
  const responseId = str(a['gen_ai.response.id']);
  if (responseId !== undefined) recorded.request_id = responseId;
  if (typeof span.traceId === 'string' && span.traceId !== '') recorded.trace_id = span.traceId;
  const cost = numberOf(a['gen_ai.usage.cost']);
  if (cost !== undefined) recorded.cost_usd = cost;
  if (inputRaw === undefined && outputRaw === undefined) recorded.tokens_estimated = true;

  const tags: Record<string, string> = {};
  const service = str(resource['service.name']);
  if (service !== undefined) tags.service = service;
  const user = str(a['user.id']) ?? str(a['gen_ai.user']);
  if (user !== undefined) tags.user = user;
  const stream = boolOf(a['gen_ai.request.stream'] ?? a['gen_ai.is_streaming'] ?? a['llm.is_streaming']);
  return {
    timeMs: start,
    id: typeof span.spanId === 'string' && span.spanId !== '' ? span.spanId : undefined,
    route: model,
    inputTokens: input,
    outputTokens: output,
    cachedTokens: clampCached(cached, input),
    stream,
    tags: Object.keys(tags).length > 0 ? (tags as Tags) : undefined,
    dialect: dialectOf(provider),
    recorded,
  };
}

/** TTFT in ms from the span start, from whichever form the producer records. */
function ttftMs(a: Attrs, span: OtlpSpan, start: number): number | undefined {
  const seconds = numberOf(a['gen_ai.response.time_to_first_chunk'] ?? a['gen_ai.server.time_to_first_token']);
  if (seconds !== undefined) return seconds * 1000;
  const ms = numberOf(a['ai.response.msToFirstChunk']);
  if (ms !== undefined) return ms;
  const completionStart = str(a['langfuse.observation.completion_start_time']);
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
  expand,
});
