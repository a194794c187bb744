/**
 * A body's chunks as UTF-8 text, one chunk at a time, the way a streaming TextDecoder reads them
 * (a character whose bytes are split across chunks comes out whole, with the chunk that ends it),
 * but cheaper for the usual SSE body: while every chunk so far is ASCII, each is read as one-byte
 * text with no decoder at all; the first chunk that is not switches to a streaming TextDecoder for
 * the rest (nothing can be pending then: ASCII chunks end on character boundaries). A decoder costs
 * far more to create than to use, and a replay streams thousands of calls a second.
 */
import { isAscii } from 'node:buffer';
import { TextDecoder } from 'node:util';

/** The chunk as a Buffer (undici's already are; fetch's are plain Uint8Arrays): a view, no copy. */
const asBuffer = (u: Uint8Array): Buffer => (Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength));

/** A decoder for one body: call it with each chunk in order. */
export function utf8Chunks(): (chunk: Uint8Array) => string {
  let decoder: TextDecoder | undefined;
  return (chunk) => (decoder === undefined && isAscii(chunk) ? asBuffer(chunk).toString('latin1') : (decoder ??= new TextDecoder()).decode(chunk, { stream: true }));
}
