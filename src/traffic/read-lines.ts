/**
 * Streams a text file as lines with 1-based line numbers, in constant memory. Accepts a UTF-8
 * BOM and CRLF; refuses invalid UTF-8 and NUL bytes (reported with the line number), and lines
 * longer than a cap (a 50 MB prompt on one line should be a clear error, not an OOM).
 */
import { open, stat } from 'node:fs/promises';
import { inputError } from '../errors.js';

export interface Line {
  text: string;
  lineNo: number;
}

export const MAX_LINE_BYTES = 2 * 1024 * 1024;

/** Fails early with a clear message when the file is missing, not a file, or compressed. */
export async function assertReadableFile(file: string, what: string): Promise<void> {
  try {
    const s = await stat(file);
    // A trace is read more than once (its shape, then its rows): a pipe or a device cannot be.
    if (!s.isFile())
      throw inputError('TRACE_NOT_FILE', `${what} ${file} is not a file`, [{ file, path: '', message: s.isDirectory() ? 'a folder, not a file' : 'not a regular file (a pipe or a device)' }], s.isDirectory() ? `give one file of the folder; for several, join them first, e.g. cat ${file}/*.jsonl > all.jsonl` : `save the stream to a file first, e.g. zcat logs.jsonl.gz > logs.jsonl`);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT')
      throw inputError('TRACE_MISSING', `${what} ${file} does not exist`, [{ file, path: '', message: `${what} not found` }], 'paths in a scenario are relative to the scenario file');
    throw e;
  }
  await assertNotCompressed(file, what);
}

/** Magic numbers of the compressed formats logs and traces are shipped in, and the command that opens each. */
const COMPRESSED: readonly [number[], string, string][] = [
  [[0x1f, 0x8b], 'gzip', 'gunzip -k'],
  [[0x28, 0xb5, 0x2f, 0xfd], 'zstd', 'zstd -d'],
  [[0x42, 0x5a, 0x68], 'bzip2', 'bunzip2 -k'],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'xz', 'unxz -k'],
  [[0x50, 0x4b, 0x03, 0x04], 'zip', 'unzip'],
];

/** A compressed file read as text fails as "not valid UTF-8" or "NUL byte" at line 1: say what it is instead. */
async function assertNotCompressed(file: string, what: string): Promise<void> {
  const fh = await open(file, 'r');
  const head = Buffer.alloc(6);
  let n: number;
  try {
    n = (await fh.read(head, 0, 6, 0)).bytesRead;
  } finally {
    await fh.close();
  }
  const hit = COMPRESSED.find(([magic]) => n >= magic.length && magic.every((b, i) => head[i] === b));
  if (hit)
    throw inputError('TRACE_COMPRESSED', `${what} ${file} is ${hit[1]}-compressed`, [{ file, line: 1, col: 1, path: '', message: `${hit[1]}-compressed; routebench reads the uncompressed text` }], `decompress it first: ${hit[2]} ${file}`);
}

/**
 * Bytes read at a time, into one buffer reused for the whole file. Under 1 MB on purpose: with
 * 1 MB reads, memory outside V8's heap (process.memoryUsage().external, not ArrayBuffers: the
 * decoded text, which every line sliced from it keeps alive) swung between 13 and 43 MB in a
 * simulate worker streaming a 2M-line trace, freed only when V8 collected; with 256 KB reads it
 * stays at 5-15 MB, the text in V8's own heap, and reading costs 15-25% less CPU.
 */
export const READ_BYTES = 1 << 18;

/**
 * Reads the file into one reused buffer (a read stream hands out a fresh Buffer per chunk, more
 * native memory waiting for the collector). The decoder copies each chunk's text out before the
 * next read.
 */
async function* chunks(file: string): AsyncGenerator<Buffer> {
  const fh = await open(file, 'r');
  const buf = Buffer.allocUnsafe(READ_BYTES);
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, READ_BYTES, null);
      if (bytesRead === 0) return;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/** Yields arrays of lines (one array per read chunk) to keep per-line overhead low. */
export async function* readLines(file: string, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<Line[]> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  const source = chunks(file);
  let carry = '';
  let lineNo = 0;
  try {
    for await (const chunk of source) {
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        // Locate the bad byte: decode leniently and count the lines before the first U+FFFD.
        const lenient = new TextDecoder('utf-8').decode(chunk);
        const bad = lenient.indexOf('\ufffd');
        throw badEncoding(file, lineNo + 1 + countNewlines(carry) + countNewlines(lenient.slice(0, bad < 0 ? 0 : bad)));
      }
      const out: Line[] = [];
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (nl === -1) break;
        let line = carry + text.slice(start, nl);
        carry = '';
        start = nl + 1;
        lineNo++;
        if (line.endsWith('\r')) line = line.slice(0, -1);
        checkLine(file, line, lineNo, maxLineBytes);
        out.push({ text: line, lineNo });
      }
      carry += text.slice(start);
      if (carry.length > maxLineBytes) throw lineTooLong(file, lineNo + 1, maxLineBytes);
      if (out.length > 0) yield out;
    }
    try {
      carry += decoder.decode();
    } catch {
      throw badEncoding(file, lineNo + 1);
    }
    if (carry.length > 0) {
      lineNo++;
      if (carry.endsWith('\r')) carry = carry.slice(0, -1);
      checkLine(file, carry, lineNo, maxLineBytes);
      yield [{ text: carry, lineNo }];
    }
  } finally {
    await source.return(undefined);
  }
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

function checkLine(file: string, line: string, lineNo: number, maxLineBytes: number): void {
  if (line.length > maxLineBytes) throw lineTooLong(file, lineNo, maxLineBytes);
  if (line.includes('\u0000'))
    throw inputError('TRACE_NUL', `${file}:${lineNo}: the trace contains NUL bytes`, [
      { file, line: lineNo, col: line.indexOf('\u0000') + 1, path: '', message: 'NUL byte in text; is this a UTF-16 or binary file? Convert it to UTF-8 text' },
    ]);
}

function badEncoding(file: string, lineNo: number) {
  return inputError('TRACE_ENCODING', `${file}:${lineNo}: the trace is not valid UTF-8`, [
    { file, line: lineNo, col: 1, path: '', message: 'not valid UTF-8 (Latin-1 or UTF-16 export?); convert it with e.g. `iconv -f latin1 -t utf-8`' },
  ]);
}

function lineTooLong(file: string, lineNo: number, max: number) {
  return inputError('TRACE_LINE_TOO_LONG', `${file}:${lineNo}: line longer than ${max} bytes`, [
    { file, line: lineNo, col: 1, path: '', message: `line longer than ${max} bytes; traces carry token counts, not prompt text` },
  ]);
}
