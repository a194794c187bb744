/**
 * The records of a log export, each with the line it starts on, in constant memory. The shape is
 * read from the file itself:
 * - JSON Lines (the first non-blank line is a whole JSON value): one record per line;
 * - a top-level JSON array (`[` first): streamed element by element, however large, on one line
 *   or many (json-array.ts);
 * - one JSON object spread over several lines (a pretty-printed API answer): read whole, up to
 *   MAX_DOCUMENT_BYTES, and its records are reported by field path;
 * - CSV with a header line (only where the format allows it): one record per line, keyed by column.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { inputError } from '../../errors.js';
import { splitCsvLine } from '../csv.js';
import { MAX_LINE_BYTES, readLines } from '../read-lines.js';
import { arrayRecords } from './json-array.js';

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
  const shape = await sniff(file, o.csv === true);
  if (shape.kind === 'empty') return;
  if (shape.kind === 'document') return yield* documentRecords(file, shape.lineNo);
  if (shape.kind === 'array') return yield* arrayRecords(file);
  if (shape.kind === 'other') return yield [{ lineNo: shape.lineNo, error: `expected JSON (a JSON object per line, or a JSON array)${o.csv ? ' or CSV with a header line' : ''}, found ${JSON.stringify(shape.start)}` }];
  let header: string[] | undefined;
  for await (const batch of readLines(file)) {
    const out: (LogRecord | BadRecord)[] = [];
    for (const { text, lineNo } of batch) {
      if (text.trim() === '') continue;
      if (shape.kind === 'jsonl') {
        try {
          out.push({ value: JSON.parse(text), lineNo, path: '' });
        } catch (e) {
          out.push({ lineNo, error: `not valid JSON (${(e as Error).message})` });
        }
        continue;
      }
      const cells = splitCsvLine(text);
      if (header === undefined) {
        header = cells.map((h) => h.trim());
        continue;
      }
      if (cells.length !== header.length) {
        out.push({ lineNo, error: `${cells.length} CSV fields where the header has ${header.length} (a quoted field with a line break, or a missing comma?)` });
        continue;
      }
      const row: Record<string, string> = {};
      for (let i = 0; i < cells.length; i++) row[header[i]!] = cells[i]!;
      out.push({ value: row, lineNo, path: '' });
    }
    if (out.length > 0) yield out;
  }
}

/** How much of the file's head is read to tell its shape (the longest line readLines accepts). */
const SNIFF_BYTES = MAX_LINE_BYTES;

/**
 * The file's shape from its head: `[` first is an array; `{` first is JSON Lines when the first
 * line is a whole JSON value, else one document (also when no line ends within the head: a
 * compact document saved on one line); anything else is CSV where allowed.
 */
async function sniff(file: string, csv: boolean): Promise<{ kind: 'empty' | 'array' | 'jsonl' | 'document' | 'csv' | 'other'; lineNo: number; start?: string }> {
  const fh = await open(file, 'r');
  let head: string;
  let whole: boolean;
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0);
    whole = bytesRead < SNIFF_BYTES;
    head = new TextDecoder('utf-8').decode(buf.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
  const at = head.search(/\S/);
  if (at < 0) return { kind: 'empty', lineNo: 1 };
  let lineNo = 1;
  for (let i = head.indexOf('\n'); i !== -1 && i < at; i = head.indexOf('\n', i + 1)) lineNo++;
  const c = head[at];
  if (c === '[') return { kind: 'array', lineNo };
  if (c === '{') {
    const nl = head.indexOf('\n', at);
    if (nl < 0) return { kind: whole && wholeJson(head.slice(at)) ? 'jsonl' : 'document', lineNo };
    return { kind: wholeJson(head.slice(at, nl)) ? 'jsonl' : 'document', lineNo };
  }
  return { kind: csv ? 'csv' : 'other', lineNo, start: head.slice(at, at + 20) };
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
