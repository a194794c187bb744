/**
 * File options whose file routebench replaces as a whole (`report --pr-comment`, `ci summary
 * --out`, `run --junit`): an existing, non-empty regular file that does not begin the way
 * routebench writes that file is someone else's (notes, another tool's XML). It is refused
 * before any work (exit 2) and left untouched, instead of being silently overwritten at the end.
 * An earlier output of the same command, an empty file and a device or pipe (/dev/stdout) pass.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { inputError } from '../errors.js';

export interface OwnOutput {
  /** The option, e.g. '--pr-comment'. */
  flag: string;
  /** What the file is, for the messages: 'PR comment markdown'. */
  what: string;
  /** How a file this command wrote begins (any one of them). */
  starts: readonly string[];
  /** A file name for the "give a file in that folder" hint. */
  example: string;
}

export function refuseForeignOutput(file: string, o: OwnOutput): void {
  let st;
  try {
    st = statSync(file);
  } catch {
    return; // not there yet (a folder that cannot be written is said by ensureWritableFileFolder)
  }
  if (st.isDirectory()) throw inputError('BAD_OPTION', `${o.flag} ${file} is a folder; it names the ${o.what} file to write`, [], `e.g. ${o.flag} ${path.join(file, o.example)}`);
  if (!st.isFile() || st.size === 0) return;
  const longest = Math.max(...o.starts.map((s) => Buffer.byteLength(s)));
  const head = Buffer.alloc(Math.min(longest, st.size));
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const text = head.toString('utf8');
  if (!o.starts.some((s) => text.startsWith(s)))
    throw inputError('NOT_OURS', `${o.flag} ${file} exists and is not ${o.what} routebench wrote; it was left untouched`, [], `write it elsewhere with ${o.flag}, or remove that file first`);
}
