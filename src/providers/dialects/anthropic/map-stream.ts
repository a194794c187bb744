/**
 * Decoding an Anthropic Messages SSE stream (https://docs.anthropic.com/en/api/messages-streaming): named events
 * `message_start` (input usage) → `content_block_start` → `content_block_delta`* →
 * `content_block_stop` → `message_delta` (stop_reason, cumulative output usage) → `message_stop`.
 * `ping` and unknown events are ignored, as the docs require; `event: error` after HTTP 200 is an
 * error; an end without `message_stop` is 'truncated'.
 */
import { parseJson } from '../classify.js';
import type { StreamDecoder, StreamEvent, Usage } from '../dialect.js';
import { inBandError, malformedEvent, truncated } from '../outcome.js';
import { SseParser, type SseMessage } from '../sse.js';
import { TokenCounter } from '../synth-text.js';
import { finishOf, readUsage, type WireUsage } from './map-call.js';

interface WireEvent {
  type?: unknown;
  message?: { usage?: unknown };
  delta?: { text?: unknown; partial_json?: unknown; thinking?: unknown; stop_reason?: unknown };
  usage?: WireUsage;
}

function deltaText(d: WireEvent['delta']): string {
  if (!d) return '';
  if (typeof d.text === 'string') return d.text;
  if (typeof d.partial_json === 'string') return d.partial_json;
  return typeof d.thinking === 'string' ? d.thinking : '';
}

export function createStreamDecoder(): StreamDecoder {
  const sse = new SseParser();
  const counter = new TokenCounter();
  let state: 'open' | 'done' | 'failed' = 'open';
  let first = false;
  let input: Usage | undefined;
  let finish = 'unknown';

  const handle = (m: SseMessage, out: StreamEvent[]) => {
    if (state !== 'open') return;
    const json = parseJson(m.data);
    if (json === undefined) {
      state = 'failed';
      out.push(malformedEvent(m.data));
      return;
    }
    const ev = json as WireEvent;
    const name = m.event || (typeof ev.type === 'string' ? ev.type : '');
    switch (name) {
      case 'message_start':
        input = readUsage(ev.message?.usage);
        break;
      case 'content_block_delta': {
        const text = deltaText(ev.delta);
        if (text.length === 0) break;
        if (!first) {
          first = true;
          out.push({ type: 'first-token' });
        }
        out.push({ type: 'tokens', count: counter.count(text) });
        break;
      }
      case 'message_delta': {
        if (typeof ev.delta?.stop_reason === 'string') finish = finishOf(ev.delta.stop_reason);
        const output = ev.usage?.output_tokens;
        // Newer servers repeat the input counts here; otherwise they come from message_start.
        const base = typeof ev.usage?.input_tokens === 'number' ? readUsage(ev.usage) : input;
        if (typeof output === 'number' && base) out.push({ type: 'usage', usage: { input: base.input, output, cached: base.cached } });
        break;
      }
      case 'message_stop':
        state = 'done';
        out.push({ type: 'done', finishReason: finish });
        break;
      case 'error':
        state = 'failed';
        out.push(inBandError(json));
        break;
      default: // ping, content_block_start/stop, unknown events
    }
  };

  return {
    push(text) {
      const out: StreamEvent[] = [];
      for (const m of sse.push(text)) handle(m, out);
      return out;
    },
    end() {
      const out: StreamEvent[] = [];
      for (const m of sse.end()) handle(m, out);
      if (state === 'open') {
        state = 'failed';
        out.push(truncated('event: message_stop'));
      }
      return out;
    },
  };
}
