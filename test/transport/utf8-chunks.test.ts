import { TextDecoder } from 'node:util';
import { describe, expect, it } from 'vitest';
import { utf8Chunks } from '../../src/transport/utf8-chunks.js';

/** Cuts `bytes` at the given offsets. */
const cut = (bytes: Uint8Array, at: number[]) => [0, ...at].map((from, i) => bytes.subarray(from, at[i] ?? bytes.length));

describe('utf8Chunks', () => {
  const text = 'data: {"content":"plain ascii first"}\n\ndata: {"content":"é € 😀 漢字"}\n\n';
  const bytes = new TextEncoder().encode(text);
  const firstMultiByte = bytes.findIndex((b) => b >= 0x80);

  it('gives the text a whole-body TextDecoder gives, wherever the chunks are cut (inside a character too)', () => {
    // every single cut, and every pair of cuts around the multi-byte characters
    const cuts: number[][] = [];
    for (let i = 1; i < bytes.length; i++) cuts.push([i]);
    for (let i = firstMultiByte; i < bytes.length - 1; i++) for (let j = i + 1; j < Math.min(bytes.length, i + 6); j++) cuts.push([i, j]);
    for (const at of cuts) {
      const read = utf8Chunks();
      const out = cut(bytes, at).map((c) => read(c));
      expect(out.join(''), `cut at ${at}`).toBe(new TextDecoder().decode(bytes));
    }
  });

  it('an ASCII chunk is read as ASCII and a character split after ASCII chunks comes out whole with its last byte', () => {
    const read = utf8Chunks();
    const splitAt = firstMultiByte + 1; // inside 'é' (2 bytes)
    expect(read(bytes.subarray(0, 10))).toBe(text.slice(0, 10));
    const before = read(bytes.subarray(10, splitAt));
    expect(before.endsWith('"')).toBe(true); // the first byte of é is held, not shown as Latin-1 'Ã'
    expect(read(bytes.subarray(splitAt)).startsWith('é')).toBe(true);
  });

  it('reads plain Uint8Arrays (fetch) as well as Buffers (undici)', () => {
    const read = utf8Chunks();
    expect(read(new Uint8Array(bytes.subarray(0, 5)))).toBe(text.slice(0, 5));
    expect(read(Buffer.from(bytes.subarray(5)))).toBe(text.slice(5));
  });
});
