import { describe, expect, it } from 'vitest';
import { formatMarker, markerHeaders, parseMarker, readMarker, type MarkerFields } from '../../../src/providers/request-marker.js';

const F: MarkerFields = { request: 123, attempt: 0, run: 'ab12', inputTokens: 812, cachedTokens: 256, outputTokens: 120 };
const TEXT = '⟦rb r=123 a=0 run=ab12 in=812 c=256 out=120⟧';

describe('request marker', () => {
  it('formats and parses the documented text', () => {
    expect(formatMarker(F)).toBe(TEXT);
    expect(parseMarker(`${TEXT} the model data time`)).toEqual(F);
    expect(parseMarker(`[system preamble added by a gateway]\n${TEXT} the model`)).toEqual(F);
    expect(parseMarker('no marker here')).toBeUndefined();
    expect(parseMarker('⟦rb r=1 a=0 run=x in=1 c=0⟧')).toBeUndefined();
  });

  it('rejects fields it could not read back', () => {
    expect(() => formatMarker({ ...F, run: 'has space' })).toThrow(RangeError);
    expect(() => formatMarker({ ...F, attempt: -1 })).toThrow(RangeError);
    expect(() => markerHeaders({ ...F, inputTokens: 1.5 })).toThrow(RangeError);
  });

  it('writes the four x-routebench headers', () => {
    expect(markerHeaders(F)).toEqual({ 'x-routebench-request': '123', 'x-routebench-attempt': '0', 'x-routebench-run': 'ab12', 'x-routebench-tokens': '812,256,120' });
  });

  it('reads headers first, in any case and as Node arrays or fetch Headers', () => {
    const other = { ...F, request: 9 };
    const body = { messages: [{ role: 'user', content: formatMarker(other) }] };
    expect(readMarker(markerHeaders(F), body)).toEqual(F);
    const upper = Object.fromEntries(Object.entries(markerHeaders(F)).map(([k, v]) => [k.toUpperCase(), [v]]));
    expect(readMarker(upper, undefined)).toEqual(F);
    expect(readMarker(new Headers(markerHeaders(F)), null)).toEqual(F);
  });

  it('falls back to the body when headers are missing, partial or malformed', () => {
    const body = { messages: [{ role: 'user', content: `${TEXT} words` }] };
    expect(readMarker({}, body)).toEqual(F);
    expect(readMarker({ 'x-routebench-request': '123' }, body)).toEqual(F);
    expect(readMarker({ ...markerHeaders(F), 'x-routebench-tokens': '812,256' }, body)).toEqual(F);
    expect(readMarker({ ...markerHeaders(F), 'x-routebench-attempt': 'one' }, body)).toEqual(F);
  });

  it('finds the first user message in either dialect shape', () => {
    const openai = { messages: [{ role: 'system', content: 'be brief ⟦rb r=1 a=1 run=zz in=1 c=0 out=1⟧' }, { role: 'user', content: `${TEXT} hi` }] };
    const anthropic = { system: 'be brief', messages: [{ role: 'user', content: [{ type: 'text', text: `${TEXT} hi`, cache_control: { type: 'ephemeral' } }] }] };
    const parts = { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }, { type: 'text', text: TEXT }] }] };
    expect(readMarker({}, openai)).toEqual(F);
    expect(readMarker({}, anthropic)).toEqual(F);
    expect(readMarker({}, parts)).toEqual(F);
  });

  it('carries the model asked for, URI-encoded, in the text and a fifth header; absent when not given', () => {
    const m: MarkerFields = { ...F, model: 'meta-llama/Llama 3:70b ⟧' };
    const text = '⟦rb r=123 a=0 run=ab12 in=812 c=256 out=120 m=meta-llama%2FLlama%203%3A70b%20%E2%9F%A7⟧';
    expect(formatMarker(m)).toBe(text);
    expect(parseMarker(`${text} words`)).toEqual(m);
    expect(markerHeaders(m)['x-routebench-model']).toBe('meta-llama%2FLlama%203%3A70b%20%E2%9F%A7');
    expect(readMarker(markerHeaders(m), undefined)).toEqual(m);
    expect(readMarker({}, { messages: [{ role: 'user', content: text }] })).toEqual(m);
    // no model (or an empty one): the four-field marker and headers, read back without a model
    expect(formatMarker({ ...F, model: '' })).toBe(TEXT);
    expect(Object.keys(markerHeaders({ ...F, model: undefined }))).toHaveLength(4);
    expect(parseMarker(TEXT)).not.toHaveProperty('model');
    // a malformed encoding is no model, not a broken marker
    expect(readMarker({ ...markerHeaders(F), 'x-routebench-model': '%E2%9F' }, undefined)).toEqual(F);
  });

  it('is undefined when neither headers nor body carry one', () => {
    expect(readMarker({}, { messages: [{ role: 'user', content: 'hello' }] })).toBeUndefined();
    expect(readMarker({}, { messages: 'not an array' })).toBeUndefined();
    expect(readMarker({}, 'raw text')).toBeUndefined();
    expect(readMarker({}, null)).toBeUndefined();
  });
});
