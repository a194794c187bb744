/**
 * The records of a log export, each with the line it starts on, in constant memory. The shape is
 * read from the file itself:
 * - JSON Lines (the first non-blank line is a whole JSON value): one record per line, one
 *   JSON.parse each (lines.ts);
 * - a top-level JSON array (`[` first): streamed element by element, however large, on one line
 *   or many (json-array.ts);
 * - one JSON object spread over several lines (a pretty-printed API answer): read whole, up to
 *   MAX_DOCUMENT_BYTES, and its records are reported by field path;
 * - CSV with a header line (only where the format allows it): one record per line, keyed by column.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { inputError } from '../../errors.js';
import { splitCsvLine } from '../csv.js';
import { MAX_LINE_BYTES } from '../read-lines.js';
import { arrayRecords } from './json-array.js';
import { locateJson, pathSegments } from './json-locate.js';
import { eachLine } from './lines.js';

/** Where the records go, as they are read: each record, or why one could not be read. */
export interface RecordSink {
  /**
   * `path`: where in the line or document the record is: '' for a whole line, `[3]` for an array
   * element. `lineOf` (a document read whole): the line of a field path inside the record, for its problems.
   */
  record(value: unknown, lineNo: number, path: string, lineOf?: (fieldPath: string) => number | undefined): void;
  bad(lineNo: number, error: string): void;
}

/** The largest single JSON document read whole (JSONL and top-level arrays have no limit). */
export const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

/**
 * Reads the file into `sink`, one record at a time (its parsed value is garbage as soon as the
 * sink has turned it into rows); yields after each chunk read, so the caller passes on its rows.
 */
export async function* logRecords(file: string, o: { csv?: boolean }, sink: RecordSink): AsyncGenerator<void> {
  const shape = await sniff(file, o.csv === true);
  if (shape.kind === 'empty') return;
  if (shape.kind === 'document') return yield* documentRecords(file, shape.lineNo, sink);
  if (shape.kind === 'array') return yield* arrayRecords(file, sink);
  if (shape.kind === 'other') {
    sink.bad(shape.lineNo, `expected JSON (a JSON object per line, or a JSON array)${o.csv ? ' or CSV with a header line' : ''}, found ${JSON.stringify(shape.start)}`);
    return yield;
  }
  // A line holds one record (a span export request, a spend log with its prompt; JSON or CSV), read whole as a document is.
  if (shape.kind === 'jsonl') return yield* eachLine(file, (text, lineNo) => jsonLine(text, lineNo, sink), MAX_DOCUMENT_BYTES);
  let header: string[] | undefined;
  yield* eachLine(file, (text, lineNo) => {
    if (text.trim() === '') return;
    const cells = splitCsvLine(text);
    if (header === undefined) {
      header = cells.map((h) => h.trim());
      return;
    }
    if (cells.length !== header.length) return sink.bad(lineNo, `${cells.length} CSV fields where the header has ${header.length} (a quoted field with a line break, or a missing comma?)`);
    const row: Record<string, string> = {};
    for (let i = 0; i < cells.length; i++) row[header[i]!] = cells[i]!;
    sink.record(row, lineNo, '');
  }, MAX_DOCUMENT_BYTES);
}

/** One JSON Lines line: one JSON.parse; blank lines are passed over. */
function jsonLine(text: string, lineNo: number, sink: RecordSink): void {
  const c = text.charCodeAt(0);
  // '{' or '[' first is the usual line: skip the blank test.
  if (c !== 123 && c !== 91 && text.trim() === '') return;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return sink.bad(lineNo, `not valid JSON (${(e as Error).message})`);
  }
  sink.record(value, lineNo, '');
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
    // A UTF-16 export (NULs between ASCII characters, with or without a BOM) would read as a bad row of garbled text.
    const nul = buf.subarray(0, bytesRead).indexOf(0);
    const nl = buf.subarray(0, bytesRead).indexOf(10);
    if (nul >= 0 && (nl < 0 || nul < nl)) throw nulOnFirstLine(file);
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
    // No line end in the head: a first line of 2 MiB or more, one record per line as any other
    // (an OTLP export request per line, as the Collector's file exporter writes them), or the
    // only one: both are read as JSON Lines (a document read whole stopped at the second line).
    if (nl < 0) return { kind: !whole || wholeJson(head.slice(at)) ? 'jsonl' : 'document', lineNo };
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
async function* documentRecords(file: string, firstLine: number, sink: RecordSink): AsyncGenerator<void> {
  const size = (await stat(file)).size;
  if (size > MAX_DOCUMENT_BYTES)
    throw inputError('LOG_DOCUMENT_TOO_LARGE', `${file}: one JSON document of ${(size / 1048576).toFixed(0)} MiB`, [
      { file, line: firstLine, col: 1, path: '', message: `a single JSON document is read whole, up to ${MAX_DOCUMENT_BYTES / 1048576} MiB` },
    ], 'write the export as JSON Lines (one record per line; e.g. `jq -c \'.data[]\'` or `jq -c .` per request), which streams in constant memory');
  const bytes = await readFile(file);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Decoded without `fatal`, a Latin-1 byte became U+FFFD in the rows written.
    const loose = new TextDecoder('utf-8').decode(bytes);
    const line = lineAt(loose, loose.indexOf('\uFFFD'));
    throw inputError('TRACE_ENCODING', `${file}:${line}: the trace is not valid UTF-8`, [
      { file, line, col: 1, path: '', message: 'not valid UTF-8 (Latin-1 or UTF-16 export?); convert it with e.g. `iconv -f latin1 -t utf-8`' },
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    sink.bad(pos ? lineAt(text, Number(pos[1])) : firstLine, `not valid JSON (${msg})`);
    return yield;
  }
  sink.record(value, firstLine, '', (fieldPath) => {
    const at = locateJson(text, pathSegments(fieldPath));
    return at === undefined ? undefined : lineAt(text, at);
  });
  yield;
}

/** The NUL error of lines.ts, raised before the shape is read (the shape of UTF-16 text is no shape). */
function nulOnFirstLine(file: string) {
  return inputError('TRACE_NUL', `${file}:1: the trace contains NUL bytes`, [
    { file, line: 1, col: 1, path: '', message: 'NUL byte in text; is this a UTF-16 or binary file? Convert it to UTF-8 text' },
  ], `routebench reads UTF-8: convert a UTF-16 export first, e.g. iconv -f UTF-16 -t UTF-8 ${file} > ${file}.utf8`);
}

function lineAt(text: string, pos: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
