/**
 * What a mock provider checks before its mock model sees a request, answered as the real API
 * answers it (status, error shape, message, request id): the path must be the target's dialect
 * (`/v1/chat/completions` for OpenAI targets, `/v1/messages` for Anthropic ones), the body at
 * most `maxBodyBytes` (413), JSON, and a body the API would accept (dialects' check-request.ts);
 * and a prompt must fit the target's context window (400 context_length_exceeded / "prompt is too
 * long"). A request without a routebench marker (an SDK's, a gateway's own) is measured from its
 * text, about 4 characters per token, against the target's `context_window` or, when the scenario
 * gives none, the dialect's usual window (OpenAI 128,000, Anthropic 200,000 tokens); a marked
 * request's prompt size is the marker's, and its target's `context_window` is applied by the mock
 * model, as in simulate. Shared by the loopback server and the msw handler.
 */
import type { WireResponse } from '../dialects/dialect.js';
import { anthropicNotJson, anthropicTooLarge, anthropicUnknownPath, checkAnthropicBody, encodeAnthropicRequestError } from '../dialects/anthropic/check-request.js';
import { checkOpenAIBody, encodeOpenAIRequestError, openaiNotJson, openaiTooLarge, openaiUnknownPath } from '../dialects/openai/check-request.js';
import { dialects } from '../dialects/index.js';
import { readMarker, type HeaderSource } from '../request-marker.js';
import { estimatePromptTokens } from '../prompt-size.js';

export interface GateTarget {
  dialect: 'openai' | 'anthropic';
  model: string;
  contextWindow: number;
}

/** Anthropic's documented Messages API request limit; OpenAI documents none, the same is used. */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;
export const DEFAULT_CONTEXT_WINDOW: Readonly<Record<GateTarget['dialect'], number>> = { openai: 128_000, anthropic: 200_000 };
const ROUTE: Readonly<Record<GateTarget['dialect'], string>> = { openai: 'chat/completions', anthropic: 'messages' };

export type GateResult = { ok: true; body: unknown } | { ok: false; response: WireResponse };

export class RequestGate {
  private seq = 0;

  constructor(readonly maxBodyBytes = DEFAULT_MAX_BODY_BYTES) {
    if (!(Number.isInteger(maxBodyBytes) && maxBodyBytes > 0)) throw new RangeError(`maxBodyBytes must be a whole number > 0, got ${maxBodyBytes}`);
  }

  private id(): string {
    return `req_rbgate_${(this.seq++).toString(36).padStart(6, '0')}`;
  }

  /** A 404 in the target's dialect when `route` (`chat/completions` or `messages`) is not its path. */
  wrongRoute(target: GateTarget, method: string, route: string, path: string): WireResponse | undefined {
    if (route === ROUTE[target.dialect]) return undefined;
    return target.dialect === 'openai' ? encodeOpenAIRequestError(openaiUnknownPath(method, path.replace(/^\/t\/[^/]+/, '')), this.id()) : encodeAnthropicRequestError(anthropicUnknownPath(), this.id());
  }

  /** The 413 for a body over the limit. */
  tooLarge(target: GateTarget): WireResponse {
    return target.dialect === 'openai' ? encodeOpenAIRequestError(openaiTooLarge(this.maxBodyBytes), this.id()) : encodeAnthropicRequestError(anthropicTooLarge(this.maxBodyBytes), this.id());
  }

  /** Parses and checks a whole body (text already within the limit). */
  check(target: GateTarget, text: string, headers: HeaderSource): GateResult {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      const reject = target.dialect === 'openai' ? encodeOpenAIRequestError(openaiNotJson(), this.id()) : encodeAnthropicRequestError(anthropicNotJson((e as Error).message), this.id());
      return { ok: false, response: reject };
    }
    if (target.dialect === 'openai') {
      const problem = checkOpenAIBody(body);
      if (problem) return { ok: false, response: encodeOpenAIRequestError(problem, this.id()) };
    } else {
      const problem = checkAnthropicBody(body);
      if (problem) return { ok: false, response: encodeAnthropicRequestError(problem, this.id()) };
    }
    if (readMarker(headers, body) === undefined) {
      const window = Number.isFinite(target.contextWindow) ? target.contextWindow : DEFAULT_CONTEXT_WINDOW[target.dialect];
      const tokens = estimatePromptTokens(body);
      if (tokens > window)
        return { ok: false, response: dialects[target.dialect].encodeError('context_length', { requestId: this.id(), model: target.model, inputTokens: tokens, contextWindow: window }) };
    }
    return { ok: true, body };
  }
}

