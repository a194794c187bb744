/**
 * Streams the elements of a top-level JSON array, whatever its layout: one element per line,
 * pretty-printed, or the whole array on one line (an API answer saved with curl). The file is read
 * in chunks; the scanner tracks strings, escapes, nesting depth and line numbers, and a comma at
 * depth 0 ends an element. Each element is parsed on its own, so a bad one is reported at the line
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
  private parts: string[] = [];
  private size = 0;
  private startLine = 0;
  private index = 0;

  constructor(private readonly file: string) {}

  feed(text: string, out: RecordSink): void {
    let from = this.parts.length > 0 ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.lineNo++;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92) this.escaped = true;
        else if (c === 34) this.inString = false;
        continue;
      }
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
