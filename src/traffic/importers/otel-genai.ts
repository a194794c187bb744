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
 * Here: an export request's spans walked, and model calls under a model call folded into it as
 * its attempts; a span's attributes are decoded in otel-attributes.ts, its row made in otel-span-row.ts.
 */
import type { TraceRow } from '../trace-formats.js';
import type { RecordedAttempt } from '../traffic-request.js';
import { at, logFormat } from './log-format.js';
import { attributes, RESOURCE_ATTRS } from './otel-attributes.js';
import { spanRow, type OtlpSpan, type Shared } from './otel-span-row.js';

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

export const otelGenai = logFormat({
  name: 'otel-genai',
  description: 'OpenTelemetry GenAI spans, OTLP JSON: one ExportTraceServiceRequest per line, or one document up to 64 MiB (gen_ai.* attributes, old and new names)',
  createExpand: () => {
    const shared: Shared = { tags: undefined, service: undefined, user: undefined, model: undefined };
    return (doc, emit) => expand(doc, emit, shared);
  },
});
