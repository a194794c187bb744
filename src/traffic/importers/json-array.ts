/**
 * Streams the elements of a top-level JSON array, whatever its layout: one element per line,
 * pretty-printed, or the whole array on one line (an API answer saved with curl). The file is read
 * in chunks; the scanner tracks strings (skipped with indexOf), escapes, nesting depth and line
 * numbers, and a comma at depth 0 ends an element. Each element is parsed on its own, so a bad one is reported at the line
 * it starts on and the others still count. Memory: one element at a time (at most MAX_ELEMENT_CHARS).
 */
import { createReadStream } from 'node:fs';
import { inputError } from '../../errors.js';
import type { RecordSink } from './log-records.js';

export const MAX_ELEMENT_CHARS = 16 * 1024 * 1024;

export async function* arrayRecords(file: string, sink: RecordSink): AsyncGenerator<void> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const scanner = new ArrayScanner(file);
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        throw inputError('TRACE_ENCODING', `${file}:${scanner.lineNo}: the file is not valid UTF-8`, [{ file, line: scanner.lineNo, col: 1, path: '', message: 'not valid UTF-8; convert it, e.g. `iconv -f latin1 -t utf-8`' }]);
      }
      scanner.feed(text, sink);
      yield;
    }
  } finally {
    stream.destroy();
  }
  scanner.end(sink);
  yield;
}

class ArrayScanner {
  lineNo = 1;
  private opened = false;
  private closed = false;
  private trailing = false;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The next line break at or after the scan, in the current text (-1: none). */
  private nextNl = -1;
  private parts: string[] = [];
  private size = 0;
  private startLine = 0;
  private index = 0;

  constructor(private readonly file: string) {}

  feed(text: string, out: RecordSink): void {
    let from = this.parts.length > 0 ? 0 : -1;
    this.nextNl = text.indexOf('\n');
    for (let i = 0; i < text.length; i++) {
      if (this.inString) {
        i = this.skipString(text, i);
        continue;
      }
      const c = text.charCodeAt(i);
      if (c === 10) this.lineNo++;
      if (c <= 32) continue;
      if (!this.opened) {
        this.opened = c === 91;
        if (!this.opened) throw inputError('LOG_NOT_JSON', `${this.file}:${this.lineNo}: expected a JSON array`, [{ file: this.file, line: this.lineNo, col: 1, path: '', message: 'expected "["' }]);
        continue;
      }
      if (this.closed) {
        if (!this.trailing) out.bad(this.lineNo, 'text after the end of the JSON array');
        this.trailing = true;
        continue;
      }
      if (this.depth === 0 && (c === 44 || c === 93)) {
        if (from >= 0) this.parts.push(text.slice(from, i));
        this.finish(out);
        from = -1;
        if (c === 93) this.closed = true;
        continue;
      }
      if (from < 0) {
        from = i;
        if (this.parts.length === 0) this.startLine = this.lineNo;
      }
      if (c === 34) this.inString = true;
      else if (c === 123 || c === 91) this.depth++;
      else if (c === 125 || c === 93) this.depth--;
    }
    if (from >= 0) {
      this.parts.push(text.slice(from));
      this.size += text.length - from;
      if (this.size > MAX_ELEMENT_CHARS)
        throw inputError('LOG_ELEMENT_TOO_LARGE', `${this.file}:${this.startLine}: array element [${this.index}] is longer than ${MAX_ELEMENT_CHARS} characters`, [
          { file: this.file, line: this.startLine, col: 1, path: `[${this.index}]`, message: 'a log record this large holds prompt text, not a call\'s facts' },
        ], 'export without the request and response bodies');
    }
  }

  /**
   * Skips string text from `i` (inside a string) with indexOf, not char by char (strings are most
   * of a log record): returns the index of the closing quote, or the text's length if the string
   * goes on in the next chunk. Counts the line breaks it skips (none in valid JSON).
   */
  private skipString(text: string, i: number): number {
    const start = i;
    if (this.escaped) {
      this.escaped = false;
      i++;
    }
    let end: number;
    for (;;) {
      const q = text.indexOf('"', i);
      const stop = q < 0 ? text.length : q;
      let k = stop - 1;
      while (k >= i && text.charCodeAt(k) === 92) k--;
      const escapes = stop - 1 - k;
      if (q < 0) {
        this.escaped = escapes % 2 === 1;
        end = text.length;
        break;
      }
      if (escapes % 2 === 1) {
        i = q + 1;
        continue;
      }
      this.inString = false;
      end = q;
      break;
    }
    while (this.nextNl !== -1 && this.nextNl < start) this.nextNl = text.indexOf('\n', this.nextNl + 1);
    while (this.nextNl !== -1 && this.nextNl < end) {
      this.lineNo++;
      this.nextNl = text.indexOf('\n', this.nextNl + 1);
    }
    return end;
  }

  end(out: RecordSink): void {
    if (this.opened && !this.closed) out.bad(this.lineNo, 'the JSON array is not closed with "]" (a truncated file?)');
  }

  private finish(out: RecordSink): void {
    const text = this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (text.trim() === '') return;
    const path = `[${this.index++}]`;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return out.bad(this.startLine, `array element ${path} is not valid JSON (${(e as Error).message})`);
    }
    out.record(value, this.startLine, path);
  }
}
