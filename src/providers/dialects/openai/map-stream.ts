/**
 * Decoding an OpenAI Chat Completions SSE stream (https://platform.openai.com/docs/api-reference/chat-streaming): `data:` lines of
 * `chat.completion.chunk`, `finish_reason` on the last content chunk, an optional usage chunk
 * (`choices: []`), then `data: [DONE]`. `data: {"error":…}` after HTTP 200 is an error; malformed
 * JSON is an invalid response; an end without `[DONE]` is 'truncated' (even after finish_reason).
 */
import { errorInfo, parseJson } from '../classify.js';
import type { StreamDecoder, StreamEvent } from '../dialect.js';
import { inBandError, malformedEvent, truncated } from '../outcome.js';
import { SseParser, type SseMessage } from '../sse.js';
import { TokenCounter } from '../synth-text.js';
import { readUsage } from './map-call.js';

interface WireDelta {
  content?: unknown;
  refusal?: unknown;
  tool_calls?: { function?: { arguments?: unknown } }[];
}

interface WireChunk {
  choices?: { delta?: WireDelta; finish_reason?: unknown }[];
  usage?: unknown;
}

/** Generated text in a delta: content, refusal text, or tool-call argument fragments. */
function deltaText(d: WireDelta | undefined): string {
  if (!d) return '';
  let s = typeof d.content === 'string' ? d.content : '';
  if (typeof d.refusal === 'string') s += d.refusal;
  if (Array.isArray(d.tool_calls)) for (const t of d.tool_calls) if (typeof t?.function?.arguments === 'string') s += t.function.arguments;
  return s;
}

export function createStreamDecoder(): StreamDecoder {
  const sse = new SseParser();
  const counter = new TokenCounter();
  let state: 'open' | 'done' | 'failed' = 'open';
  let first = false;
  let finish: string | undefined;

  const handle = (m: SseMessage, out: StreamEvent[]) => {
    if (state !== 'open') return; // nothing counts after [DONE] or an error (some servers send [DONE] after one)
    if (m.data === '[DONE]') {
      state = 'done';
      out.push({ type: 'done', finishReason: finish ?? 'unknown' });
      return;
    }
    const json = parseJson(m.data);
    if (json === undefined || errorInfo(json)) {
      state = 'failed';
      out.push(json === undefined ? malformedEvent(m.data) : inBandError(json));
      return;
    }
    const chunk = json as WireChunk;
    if (Array.isArray(chunk.choices)) {
      for (const choice of chunk.choices) {
        const text = deltaText(choice?.delta);
        if (text.length > 0) {
          if (!first) {
            first = true;
            out.push({ type: 'first-token' });
          }
          out.push({ type: 'tokens', count: counter.count(text) });
        }
        if (typeof choice?.finish_reason === 'string') finish = choice.finish_reason;
      }
    }
    const usage = readUsage(chunk.usage);
    if (usage) out.push({ type: 'usage', usage });
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
        out.push(truncated(finish === undefined ? 'data: [DONE]' : `data: [DONE] (finish_reason ${finish} was sent)`));
      }
      return out;
    },
  };
}
