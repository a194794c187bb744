/**
 * Anthropic success, server side (for mocks): a `message` body and its SSE stream in the real
 * framing (`event:` + `data:` with the same `type`): message_start (input usage, output_tokens 1),
 * content_block_start, one ping, content_block_delta per chunk, content_block_stop, message_delta
 * (stop_reason, cumulative output_tokens), message_stop. Timed by stream-schedule.ts; a finite
 * stall may carry keep-alive pings (plan.pingEveryMs); an in-band error is `event: error`.
 */
import type { MockReply, SseEvent, StreamPlan, WireResponse, WireStream } from '../dialect.js';
import { formatSse } from '../sse.js';
import { scheduleStream } from '../stream-schedule.js';
import { tokensText } from '../synth-text.js';
import { anthropicError } from './encode-error.js';
import { stopReasonOf, usageJson } from './map-call.js';

function headers(r: MockReply, contentType: string, stream = false): Record<string, string> {
  const h: Record<string, string> = { 'content-type': contentType, 'request-id': r.requestId ?? `req_${r.id}` };
  if (stream) h['cache-control'] = 'no-cache';
  return h;
}

/**
 * One event: `{"type": <type>, ...payload}` written by joining the two JSON texts (no object spread:
 * it costs microseconds on Node 20, once per delta). No payload has a `type` key of its own.
 */
const event = (type: string, payload?: Record<string, unknown>) => {
  const rest = payload === undefined ? '{}' : JSON.stringify(payload);
  return formatSse(`{"type":${JSON.stringify(type)}${rest === '{}' ? '' : `,${rest.slice(1, -1)}`}}`, type);
};

export function encodeResponse(r: MockReply): WireResponse {
  const body = {
    id: r.id,
    type: 'message',
    role: 'assistant',
    model: r.model,
    content: [{ type: 'text', text: tokensText(0, r.outputTokens) }],
    stop_reason: stopReasonOf(r.finishReason),
    stop_sequence: null,
    usage: usageJson(r.inputTokens, r.cachedTokens, r.outputTokens),
  };
  return { status: 200, headers: headers(r, 'application/json'), body: JSON.stringify(body) };
}

export function encodeStream(r: MockReply, plan: StreamPlan = {}): WireStream {
  const s = scheduleStream(r, plan);
  const startUsage = usageJson(r.inputTokens, r.cachedTokens, 1);
  const message = { id: r.id, type: 'message', role: 'assistant', model: r.model, content: [], stop_reason: null, stop_sequence: null, usage: startUsage };
  const events: SseEvent[] = [
    { atMs: s.startMs, data: event('message_start', { message }) },
    { atMs: s.startMs, data: event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }) },
    { atMs: s.startMs, data: event('ping') },
  ];
  for (const d of s.deltas) events.push({ atMs: d.atMs, data: event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: tokensText(d.from, d.to) } }) });
  for (const t of s.pings) events.push({ atMs: t, data: event('ping') });
  if (s.end === 'done') {
    events.push({ atMs: s.endMs, data: event('content_block_stop', { index: 0 }) });
    const delta = { stop_reason: stopReasonOf(r.finishReason), stop_sequence: null };
    events.push({ atMs: s.endMs, data: event('message_delta', { delta, usage: { output_tokens: r.outputTokens } }) });
    events.push({ atMs: s.endMs, data: event('message_stop') });
  } else if (s.end === 'error') {
    const err = anthropicError(s.errorKind ?? 'overloaded', {});
    if (!err) throw new RangeError(`no in-band anthropic error for ${s.errorKind}`);
    events.push({ atMs: s.endMs, data: event('error', { error: err.error }) });
  }
  events.sort((a, b) => a.atMs - b.atMs); // stable: pings slot in between deltas
  return {
    status: 200,
    headers: headers(r, 'text/event-stream; charset=utf-8', true),
    events,
    terminated: s.end === 'done',
    endMs: s.endMs,
    keepOpen: s.end === 'stall',
  };
}
