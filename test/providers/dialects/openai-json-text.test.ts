/**
 * The mock's OpenAI `chat.completion` body is written as text for speed: it must be the bytes
 * JSON.stringify gives for the object the API documents (the oracle below builds that object as
 * the encoder did before), for any id, model, counts and finish reason.
 */
import { describe, expect, it } from 'vitest';
import type { MockReply } from '../../../src/providers/dialects/dialect.js';
import { completionJson, encodeResponse } from '../../../src/providers/dialects/openai/encode-response.js';
import { usageJson } from '../../../src/providers/dialects/openai/map-call.js';
import { tokensText } from '../../../src/providers/dialects/synth-text.js';
import { Rng } from '../../../src/rng.js';

const asObject = (r: MockReply) =>
  JSON.stringify({
    id: r.id,
    object: 'chat.completion',
    created: r.created ?? 0,
    model: r.model,
    choices: [{ index: 0, message: { role: 'assistant', content: tokensText(0, r.outputTokens), refusal: null, annotations: [] }, logprobs: null, finish_reason: r.finishReason }],
    usage: usageJson(r.inputTokens, r.cachedTokens, r.outputTokens),
    service_tier: 'default',
    system_fingerprint: null,
  });

describe('completionJson', () => {
  it('equals JSON.stringify of the chat.completion object for 3,000 seeded replies (odd ids and models included)', () => {
    const rng = new Rng(77);
    const ids = ['chatcmpl-1', 'x"quote', 'back\\slash', 'tab\tnew\nline', 'ünï😀', ''];
    const models = ['gpt-4o-mini', 'org/model:"v2"', 'm\u0001'];
    for (let i = 0; i < 3000; i++) {
      const r: MockReply = {
        id: ids[i % ids.length]!,
        model: models[i % models.length]!,
        inputTokens: Math.floor(rng.next() * 200_000),
        cachedTokens: Math.floor(rng.next() * 1000),
        outputTokens: i % 7 === 0 ? 0 : Math.floor(rng.next() * 600),
        ttftMs: 1,
        tokensPerMs: 1,
        finishReason: i % 2 ? 'stop' : 'length',
        ...(i % 3 === 0 ? {} : { created: 1_700_000_000 + i }),
      };
      expect(completionJson(r)).toBe(asObject(r));
    }
  });

  it('is the body encodeResponse sends, and parses as JSON', () => {
    const r: MockReply = { id: 'a', model: 'm', inputTokens: 10, cachedTokens: 2, outputTokens: 3, ttftMs: 1, tokensPerMs: 1, finishReason: 'stop' };
    expect(encodeResponse(r).body).toBe(asObject(r));
    expect(JSON.parse(encodeResponse(r).body).usage.total_tokens).toBe(13);
  });
});
