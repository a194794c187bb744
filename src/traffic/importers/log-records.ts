/**
 * The records of a log export, each with the line it starts on, in constant memory. The shape is
 * read from the file itself:
 * - JSON Lines (the first non-blank line is a whole JSON value): one record per line;
 * - a top-level JSON array (`[` first): streamed element by element, however large;
 * - one JSON object spread over several lines (a pretty-printed API answer): read whole, up to
 *   MAX_DOCUMENT_BYTES, and its records are reported by field path;
 * - CSV with a header line (only where the format allows it): one record per line, keyed by column.
 */
import { stat, readFile } from 'node:fs/promises';
import { inputError } from '../../errors.js';
import { splitCsvLine } from '../csv.js';
import { readLines } from '../read-lines.js';

export interface LogRecord {
  value: unknown;
  lineNo: number;
  /** Where in the line or document the record is: '' for a whole line, `[3]` for an array element. */
  path: string;
}

/** A record that could not be read, and why. */
export interface BadRecord {
  lineNo: number;
  error: string;
}

/** The largest single JSON document read whole (JSONL and top-level arrays have no limit). */
export const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

export async function* logRecords(file: string, o: { csv?: boolean } = {}): AsyncGenerator<(LogRecord | BadRecord)[]> {
  const lines = readLines(file);
  let mode: 'jsonl' | 'array' | 'csv' | undefined;
  let header: string[] | undefined;
  const array = new ArrayScanner();
  let documentAt = 0;
  outer: for await (const batch of lines) {
    const out: (LogRecord | BadRecord)[] = [];
    for (const { text, lineNo } of batch) {
      if (mode === undefined) {
        const t = text.trimStart();
        if (t === '') continue;
        if (t[0] === '[') mode = 'array';
        else if (t[0] === '{') {
          if (!wholeJson(t)) {
            documentAt = lineNo;
            break outer;
          }
          mode = 'jsonl';
        } else if (o.csv) {
          mode = 'csv';
          header = splitCsvLine(text).map((h) => h.trim());
          continue;
        } else {
          out.push({ lineNo, error: `expected JSON (a JSON object per line, or a JSON array), found ${JSON.stringify(t.slice(0, 20))}` });
          yield out;
          return;
        }
      }
      if (mode === 'jsonl') {
        if (text.trim() === '') continue;
        try {
          out.push({ value: JSON.parse(text), lineNo, path: '' });
        } catch (e) {
          out.push({ lineNo, error: `not valid JSON (${(e as Error).message})` });
        }
      } else if (mode === 'csv') {
        if (text.trim() === '') continue;
        const cells = splitCsvLine(text);
        if (cells.length !== header!.length) {
          out.push({ lineNo, error: `${cells.length} CSV fields where the header has ${header!.length} (a quoted field with a line break, or a missing comma?)` });
          continue;
        }
        const row: Record<string, string> = {};
        for (let i = 0; i < cells.length; i++) row[header![i]!] = cells[i]!;
        out.push({ value: row, lineNo, path: '' });
      } else array.line(text, lineNo, out);
    }
    if (out.length > 0) yield out;
  }
  if (documentAt > 0) yield* documentRecords(file, documentAt);
  if (mode === 'array') {
    const out: (LogRecord | BadRecord)[] = [];
    array.end(out);
    if (out.length > 0) yield out;
  }
}

function wholeJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** One JSON document over many lines: read whole (under the cap) and yielded as one record. */
async function* documentRecords(file: string, firstLine: number): AsyncGenerator<(LogRecord | BadRecord)[]> {
  const size = (await stat(file)).size;
  if (size > MAX_DOCUMENT_BYTES)
    throw inputError('LOG_DOCUMENT_TOO_LARGE', `${file}: one JSON document of ${(size / 1048576).toFixed(0)} MiB`, [
      { file, line: firstLine, col: 1, path: '', message: `a single JSON document is read whole, up to ${MAX_DOCUMENT_BYTES / 1048576} MiB` },
    ], 'write the export as JSON Lines (one record per line; e.g. `jq -c \'.data[]\'` or `jq -c .` per request), which streams in constant memory');
  const text = new TextDecoder('utf-8').decode(await readFile(file));
  try {
    yield [{ value: JSON.parse(text), lineNo: firstLine, path: '' }];
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const line = pos ? lineAt(text, Number(pos[1])) : firstLine;
    yield [{ lineNo: line, error: `not valid JSON (${msg})` }];
  }
}

function lineAt(text: string, pos: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Splits a top-level JSON array into its elements as the lines go by: tracks strings, escapes and
 * nesting depth; a comma at depth 0 ends an element. Each element is parsed on its own, so a bad
 * one is reported at the line it starts on and the others still count.
 */
class ArrayScanner {
  private opened = false;
  private closed = false;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private parts: string[] = [];
  private startLine = 0;
  private index = 0;
  private lastLine = 0;

  line(text: string, lineNo: number, out: (LogRecord | BadRecord)[]): void {
    this.lastLine = lineNo;
    let i = 0;
    let from = -1; // start of the current element's text on this line
    if (this.parts.length > 0) from = 0;
    if (!this.opened) {
      i = text.indexOf('[') + 1;
      this.opened = true;
    }
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.closed) {
        if (c > 32) {
          out.push({ lineNo, error: 'text after the end of the JSON array' });
          return;
        }
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92) this.escaped = true;
        else if (c === 34) this.inString = false;
        continue;
      }
      if (c <= 32) continue;
      if (this.depth === 0 && (c === 44 || c === 93)) {
        // ',' or ']' at the top: the element (if any) ends here
        if (from >= 0) this.parts.push(text.slice(from, i));
        this.finish(out);
        from = -1;
        if (c === 93) this.closed = true;
        continue;
      }
      if (from < 0) {
        from = i;
        this.startLine = lineNo;
      }
      if (c === 34) this.inString = true;
      else if (c === 123 || c === 91) this.depth++;
      else if (c === 125 || c === 93) this.depth--;
    }
    if (from >= 0) this.parts.push(text.slice(from));
  }

  end(out: (LogRecord | BadRecord)[]): void {
    if (!this.closed) out.push({ lineNo: this.lastLine, error: 'the JSON array is not closed with "]" (a truncated file?)' });
  }

  private finish(out: (LogRecord | BadRecord)[]): void {
    const text = this.parts.join('\n');
    this.parts = [];
    if (text.trim() === '') return;
    const path = `[${this.index++}]`;
    try {
      out.push({ value: JSON.parse(text), lineNo: this.startLine, path });
    } catch (e) {
      out.push({ lineNo: this.startLine, error: `array element ${path} is not valid JSON (${(e as Error).message})` });
    }
  }
}
