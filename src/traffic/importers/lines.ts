/**
 * The lines of a log export, fast: the file is read in 1 MiB chunks and each chunk's whole lines
 * are checked and decoded at once on the bytes (NUL search, ASCII/UTF-8 validation in native
 * code), then cut at '\n' in the decoded string. No object per line: the caller's `line` gets each
 * one (without its CR LF) with its 1-based number, and the generator yields after each chunk so the
 * caller passes on what the chunk gave. Same rules as the trace reader's lines (read-lines.ts): a
 * UTF-8 BOM and CRLF are accepted; invalid UTF-8, NUL bytes and lines longer than the cap are
 * errors with their line number. Memory: one chunk plus the longest line.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import { inputError } from '../../errors.js';
import { MAX_LINE_BYTES } from '../read-lines.js';

const CHUNK_BYTES = 1 << 20;

export async function* eachLine(file: string, line: (text: string, lineNo: number) => void, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<void> {
  const fh = await open(file, 'r');
  // One buffer, reused (the decoded text is a copy): the unfinished line moved to its front, then new bytes.
  let buf: Buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let carried = 0;
  let lineNo = 0;
  let first = true;
  try {
    for (;;) {
      if (buf.length < carried + CHUNK_BYTES) buf = grow(buf, carried, carried + CHUNK_BYTES);
      const { bytesRead } = await fh.read(buf, carried, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      let from = 0;
      const end = carried + bytesRead;
      if (first) {
        first = false;
        if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) from = 3;
      }
      const last = buf.lastIndexOf(10, end - 1);
      if (last < from) {
        if (end - from > maxLineBytes) throw lineTooLong(file, lineNo + 1, maxLineBytes);
        if (from > 0) buf.copyWithin(0, from, end);
        carried = end - from;
        continue;
      }
      lineNo = cut(file, buf.subarray(from, last), lineNo, line, maxLineBytes);
      carried = end - last - 1;
      if (carried > maxLineBytes) throw lineTooLong(file, lineNo + 1, maxLineBytes);
      buf.copyWithin(0, last + 1, end);
      yield;
    }
    if (carried > 0) {
      lineNo = cut(file, buf.subarray(0, carried), lineNo, line, maxLineBytes);
      yield;
    }
  } finally {
    await fh.close();
  }
}

/** Calls `line` for each line of `bytes` (whole lines, the last one without its '\n'); returns the last line number. */
function cut(file: string, bytes: Buffer, lineNo: number, line: (text: string, lineNo: number) => void, max: number): number {
  const text = decode(file, bytes, lineNo);
  let s = 0;
  for (;;) {
    let nl = text.indexOf('\n', s);
    if (nl < 0) nl = text.length;
    lineNo++;
    const e = nl > s && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    if (e - s > max) throw lineTooLong(file, lineNo, max);
    line(text.slice(s, e), lineNo);
    if (nl === text.length) return lineNo;
    s = nl + 1;
  }
}

/** The text of whole lines, checked: no NUL, valid UTF-8 (ASCII, the common case, is decoded as one-byte text). */
function decode(file: string, bytes: Buffer, lineNo: number): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const at = lineNo + countLines(bytes.subarray(0, nul)) + 1;
    const start = bytes.lastIndexOf(10, nul) + 1;
    const col = bytes.subarray(start, nul).toString('utf8').length + 1;
    throw inputError('TRACE_NUL', `${file}:${at}: the trace contains NUL bytes`, [
      { file, line: at, col, path: '', message: 'NUL byte in text; is this a UTF-16 or binary file? Convert it to UTF-8 text' },
    ]);
  }
  if (isAscii(bytes)) return bytes.toString('latin1');
  if (isUtf8(bytes)) return bytes.toString('utf8');
  // Find the line with the bad byte sequence.
  let at = lineNo + 1;
  for (let s = 0; ; at++) {
    const nl = bytes.indexOf(10, s);
    const end = nl < 0 ? bytes.length : nl;
    if (!isUtf8(bytes.subarray(s, end)) || nl < 0) break;
    s = nl + 1;
  }
  throw inputError('TRACE_ENCODING', `${file}:${at}: the trace is not valid UTF-8`, [
    { file, line: at, col: 1, path: '', message: 'not valid UTF-8 (Latin-1 or UTF-16 export?); convert it with e.g. `iconv -f latin1 -t utf-8`' },
  ]);
}

function grow(buf: Buffer, used: number, size: number): Buffer {
  const bigger = Buffer.allocUnsafe(size);
  buf.copy(bigger, 0, 0, used);
  return bigger;
}

function countLines(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) n++;
  return n;
}

function lineTooLong(file: string, lineNo: number, max: number) {
  return inputError('TRACE_LINE_TOO_LONG', `${file}:${lineNo}: line longer than ${max} bytes`, [
    { file, line: lineNo, col: 1, path: '', message: `line longer than ${max} bytes: a line is one record, read whole, up to ${max / 1048576} MiB` },
  ]);
}
