/**
 * OpenAI success, server side (for mocks): a `chat.completion` body and its SSE stream of
 * `chat.completion.chunk` lines (role chunk, content chunks, finish chunk, usage chunk when
 * include_usage, `data: [DONE]`), timed by stream-schedule.ts. OpenAI sends no keep-alives, so a
 * stall is silence; `include_obfuscation` padding is not emitted.
 */
import type { MockReply, SseEvent, StreamPlan, WireResponse, WireStream } from '../dialect.js';
import { formatSse } from '../sse.js';
import { scheduleStream } from '../stream-schedule.js';
import { tokensText } from '../synth-text.js';
import { openaiError } from './encode-error.js';
import { usageJson } from './map-call.js';

function headers(r: MockReply, contentType: string, processingMs: number, stream = false): Record<string, string> {
  const h: Record<string, string> = {
    'content-type': contentType,
    'x-request-id': r.requestId ?? `req_${r.id}`,
    'openai-version': '2020-10-01',
    'openai-processing-ms': String(Math.round(processingMs)),
  };
  if (stream) h['cache-control'] = 'no-cache';
  return h;
}

const durationMs = (r: MockReply) => r.ttftMs + (r.tokensPerMs > 0 ? r.outputTokens / r.tokensPerMs : 0);

/** JSON text of a number as JSON.stringify writes it (null for NaN and ±Infinity). */
const num = (n: number) => (Number.isFinite(n) ? String(n) : 'null');

/** The JSON string of the first `n` output tokens, the last few hundred lengths kept (a mock answers the same lengths again and again). */
const contents = new Map<number, string>();
function contentJson(n: number): string {
  let text = contents.get(n);
  if (text === undefined) {
    text = JSON.stringify(tokensText(0, n));
    if (contents.size >= 256) contents.delete(contents.keys().next().value!);
    contents.set(n, text);
  }
  return text;
}

/**
 * The `chat.completion` body, written as text: the same bytes as JSON.stringify of the object (keys
 * in the API's order; test/providers/dialects/openai-json-text.test.ts compares them), at a
 * fraction of the cost per reply, which bounds the mock server's replies per second.
 */
export function completionJson(r: MockReply): string {
  const u = `{"prompt_tokens":${num(r.inputTokens)},"completion_tokens":${num(r.outputTokens)},"total_tokens":${num(r.inputTokens + r.outputTokens)},"prompt_tokens_details":{"cached_tokens":${num(r.cachedTokens)},"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}`;
  return `{"id":${JSON.stringify(r.id)},"object":"chat.completion","created":${num(r.created ?? 0)},"model":${JSON.stringify(r.model)},"choices":[{"index":0,"message":{"role":"assistant","content":${contentJson(r.outputTokens)},"refusal":null,"annotations":[]},"logprobs":null,"finish_reason":${JSON.stringify(r.finishReason)}}],"usage":${u},"service_tier":"default","system_fingerprint":null}`;
}

export function encodeResponse(r: MockReply): WireResponse {
  return { status: 200, headers: headers(r, 'application/json', durationMs(r)), body: completionJson(r) };
}

export function encodeStream(r: MockReply, plan: StreamPlan = {}): WireStream {
  const s = scheduleStream(r, plan);
  const includeUsage = plan.includeUsage ?? true;
  const created = r.created ?? 0;
  // Object literals, not spreads of a shared base: a spread costs microseconds on Node 20, and a
  // stream has one chunk per delta. The keys keep the API's order: id, object, created, model, choices, usage.
  const chunk = (delta: Record<string, unknown>, finish: string | null) => {
    const choices = [{ index: 0, delta, logprobs: null, finish_reason: finish }];
    return formatSse(JSON.stringify(includeUsage ? { id: r.id, object: 'chat.completion.chunk', created, model: r.model, choices, usage: null } : { id: r.id, object: 'chat.completion.chunk', created, model: r.model, choices }));
  };

  const events: SseEvent[] = [{ atMs: s.startMs, data: chunk({ role: 'assistant', content: '', refusal: null }, null) }];
  for (const d of s.deltas) events.push({ atMs: d.atMs, data: chunk({ content: tokensText(d.from, d.to) }, null) });
  if (s.end === 'done') {
    events.push({ atMs: s.endMs, data: chunk({}, r.finishReason) });
    if (includeUsage) {
      const usage = usageJson(r.inputTokens, r.cachedTokens, r.outputTokens);
      events.push({ atMs: s.endMs, data: formatSse(JSON.stringify({ id: r.id, object: 'chat.completion.chunk', created, model: r.model, choices: [], usage })) });
    }
    events.push({ atMs: s.endMs, data: 'data: [DONE]\n\n' });
  } else if (s.end === 'error') {
    const err = openaiError(s.errorKind ?? 'server_error', { requestId: r.requestId ?? `req_${r.id}`, model: r.model });
    if (!err) throw new RangeError(`no in-band openai error for ${s.errorKind}`);
    events.push({ atMs: s.endMs, data: formatSse(JSON.stringify({ error: err.error })) });
  }
  return {
    status: 200,
    headers: headers(r, 'text/event-stream; charset=utf-8', s.startMs, true),
    events,
    terminated: s.end === 'done',
    endMs: s.endMs,
    keepOpen: s.end === 'stall',
  };
}
