/**
 * Reading fixtures/wire: `.http` files (status line, headers, blank line, body) and
 * `.chunks.txt` SSE bodies; and feeding SSE text to a stream decoder whole, event by event, or
 * split at seeded random byte offsets (decoded with a streaming TextDecoder, as a transport would).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Dialect, StreamEvent } from '../../../src/providers/dialects/dialect.js';
import { Rng } from '../../../src/rng.js';

export const FIXTURES = fileURLToPath(new URL('../../../fixtures/wire/', import.meta.url));

export interface HttpFixture {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function readHttpFixture(path: string): HttpFixture {
  const text = readFileSync(path, 'utf8');
  const split = text.indexOf('\n\n');
  if (split < 0) throw new Error(`${path}: no blank line after the headers`);
  const [statusLine, ...lines] = text.slice(0, split).split('\n');
  const status = Number(statusLine!.split(' ')[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = text.slice(split + 2);
  return { status, headers, body: body.endsWith('\n') ? body.slice(0, -1) : body };
}

/** Fixture file names in a dialect folder: `.http` responses and `.chunks.txt` streams. */
export function listFixtures(dir: string): { responses: string[]; streams: string[] } {
  const files = readdirSync(dir).sort();
  return { responses: files.filter((f) => f.endsWith('.http')), streams: files.filter((f) => f.endsWith('.chunks.txt')) };
}

/** Pushes each piece in order, then ends. */
export function decodePieces(dialect: Dialect, pieces: readonly string[]): StreamEvent[] {
  const d = dialect.createStreamDecoder();
  const out: StreamEvent[] = [];
  for (const p of pieces) out.push(...d.push(p));
  out.push(...d.end());
  return out;
}

/** Splits the UTF-8 bytes of `text` at 1–`maxCuts` seeded random offsets, decoding each piece as a stream. */
export function splitAtRandomBytes(text: string, seed: number, maxCuts = 24): string[] {
  const bytes = Buffer.from(text, 'utf8');
  const rng = new Rng(seed, 77);
  const cuts = new Set<number>();
  const n = 1 + rng.int(maxCuts);
  for (let i = 0; i < n; i++) cuts.add(1 + rng.int(Math.max(1, bytes.length - 1)));
  const offsets = [0, ...[...cuts].sort((a, b) => a - b), bytes.length];
  const decoder = new TextDecoder('utf-8');
  const pieces: string[] = [];
  for (let i = 0; i + 1 < offsets.length; i++) pieces.push(decoder.decode(bytes.subarray(offsets[i], offsets[i + 1]), { stream: true }));
  pieces.push(decoder.decode());
  return pieces;
}

/** Every single UTF-16 code unit as its own push. */
export function splitEveryChar(text: string): string[] {
  return Array.from({ length: text.length }, (_, i) => text[i]!);
}
