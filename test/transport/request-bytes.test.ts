import { describe, expect, it } from 'vitest';
import { dialects } from '../../src/providers/dialects/index.js';
import type { Dialect } from '../../src/providers/dialects/dialect.js';
import { formatMarker, type MarkerFields } from '../../src/providers/request-marker.js';
import { MAX_TEMPLATE_BYTES, RequestEncoder, type RequestShape } from '../../src/transport/request-bytes.js';

/** The oracle: the dialect's own encoding, serialised as the transport did before request-bytes.ts. */
function viaStrings(d: Dialect, shape: RequestShape, f: MarkerFields) {
  const enc = d.encodeRequest({ ...shape, marker: formatMarker(f) });
  return { path: enc.path, headers: enc.headers, body: Buffer.from(JSON.stringify(enc.body), 'utf8') };
}

const SHAPES: RequestShape[] = [
  { model: 'gpt-4o-mini', inputTokens: 200, cachedTokens: 0, maxOutputTokens: 16, outputTokens: 16, stream: true },
  { model: 'gpt-4o-mini', inputTokens: 200, cachedTokens: 64, maxOutputTokens: 16, outputTokens: 16, stream: false },
  { model: 'claude "quoted" \\ model', inputTokens: 3, cachedTokens: 0, maxOutputTokens: 1, outputTokens: 0, stream: true },
  { model: 'm', inputTokens: 5000, cachedTokens: 1000, maxOutputTokens: 900, outputTokens: 900, stream: true },
];

const FIELDS: MarkerFields[] = [
  { request: 0, attempt: 0, run: 'ab12', inputTokens: 200, cachedTokens: 0, outputTokens: 16 },
  { request: 7, attempt: 2, run: 'ab12', inputTokens: 200, cachedTokens: 0, outputTokens: 16 },
  { request: 123456, attempt: 0, run: 'run.key-2_x', inputTokens: 5000, cachedTokens: 1000, outputTokens: 900 },
  { request: 8, attempt: 1, run: 'ab12', inputTokens: 200, cachedTokens: 0, outputTokens: 16, model: 'meta-llama/Llama 3:70b ⟧ é' },
  { request: 9, attempt: 1, run: 'ab12', inputTokens: 200, cachedTokens: 0, outputTokens: 16, model: 'openai/gpt-4o' },
];

describe('RequestEncoder', () => {
  it('gives the bytes, path and headers (names in order) of encodeRequest + JSON.stringify, first call of a shape and after', () => {
    for (const name of ['openai', 'anthropic'] as const) {
      const d = dialects[name];
      const encoder = new RequestEncoder();
      // Twice over: the second round is served from the templates the first made.
      for (let round = 0; round < 2; round++) {
        for (const shape of SHAPES) {
          for (const f of FIELDS) {
            const want = viaStrings(d, shape, f);
            const got = encoder.encode(d, shape, f);
            expect(got.path).toBe(want.path);
            expect(Object.entries(got.headers)).toEqual(Object.entries(want.headers));
            expect(got.body.toString('utf8')).toBe(want.body.toString('utf8'));
            expect(Buffer.compare(got.body, want.body)).toBe(0);
          }
        }
      }
    }
  });

  it('markers of one length but other numbers share a template and still come out as their own', () => {
    const d = dialects.openai;
    const encoder = new RequestEncoder();
    const shape = SHAPES[0]!;
    for (let r = 10; r < 100; r += 7) {
      const f = { ...FIELDS[0]!, request: r, attempt: r % 3 };
      const body = encoder.encode(d, shape, f).body.toString('utf8');
      expect(body).toBe(JSON.stringify(d.encodeRequest({ ...shape, marker: formatMarker(f) }).body));
      expect(JSON.parse(body).messages[0].content.startsWith(`⟦rb r=${r} a=${r % 3} `)).toBe(true);
    }
  });

  it('encodes whole, every call, a body the marker is not in exactly once', () => {
    // A dialect whose body repeats the marker: no template can hold it.
    const twice: Dialect = { ...dialects.openai, encodeRequest: (req) => ({ path: '/x', headers: { 'content-type': 'application/json' }, body: { a: req.marker, b: req.marker } }) };
    const encoder = new RequestEncoder();
    for (const f of FIELDS) {
      const got = encoder.encode(twice, SHAPES[0]!, f);
      const m = formatMarker(f);
      expect(got.body.toString('utf8')).toBe(JSON.stringify({ a: m, b: m }));
      expect(got.path).toBe('/x');
    }
  });

  it('a trace with a prompt size per request: the templates never hold more than their bound, and every body is still right', () => {
    const d = dialects.anthropic;
    const encoder = new RequestEncoder();
    let most = 0;
    let dropped = false;
    // 60 shapes of 50k-110k tokens (~0.3-0.6 MB of body each, ~27 MB in all): more than the bound holds.
    for (let i = 0; i < 60; i++) {
      const shape = { ...SHAPES[0]!, inputTokens: 50_000 + i * 1000 };
      const f = { ...FIELDS[0]!, request: i, inputTokens: shape.inputTokens };
      expect(encoder.encode(d, shape, f).body.toString('utf8')).toBe(JSON.stringify(d.encodeRequest({ ...shape, marker: formatMarker(f) }).body));
      if (encoder.heldBytes < most) dropped = true;
      most = Math.max(most, encoder.heldBytes);
    }
    expect(dropped).toBe(true);
    expect(most).toBeGreaterThan(MAX_TEMPLATE_BYTES / 2);
    expect(most).toBeLessThanOrEqual(MAX_TEMPLATE_BYTES);
  });

  it('refuses fields a marker cannot carry, as formatMarker does', () => {
    expect(() => new RequestEncoder().encode(dialects.openai, SHAPES[0]!, { ...FIELDS[0]!, run: 'no spaces' })).toThrow(/run key/);
  });
});
