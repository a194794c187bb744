/**
 * Outputs routebench replaces as a whole, file options (`report --pr-comment`, `ci summary
 * --out`, `run --junit`) and the suite page in --out: an existing, non-empty regular file that does not begin the way
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
  const st = statOrUndefined(file);
  if (st?.isDirectory()) throw inputError('BAD_OPTION', `${o.flag} ${file} is a folder; it names the ${o.what} file to write`, [], `e.g. ${o.flag} ${path.join(file, o.example)}`);
  if (someoneElses(file, (text) => o.starts.some((s) => text.startsWith(s))))
    throw inputError('NOT_OURS', `${o.flag} ${file} exists and is not ${o.what} routebench wrote; it was left untouched`, [], `write it elsewhere with ${o.flag}, or remove that file first`);
}

/** The suite page `run`, `replay` and `report` write into their --out folder, and how each file of it is recognised. */
const SUITE_FILES: readonly [string, RegExp][] = [
  ['index.html', /routebench/],
  ['index.md', /routebench/],
  ['index.json', /^\{\s*"scenarios"\s*:|routebench/],
];

/**
 * `--out` of run, replay and report gets `index.html`, `index.md` and `index.json` (the suite
 * page): a folder where such a file is someone else's (`--out .` in a website, `--out docs`) is
 * refused before any work (exit 2), and the file left untouched; it was replaced.
 */
export function refuseForeignSuite(out: string, flag = '--out'): void {
  for (const [name, ours] of SUITE_FILES) {
    if (someoneElses(path.join(out, name), (text) => ours.test(text)))
      throw inputError('NOT_OURS', `${flag} ${out} holds an ${name} that routebench did not write; it was left untouched`, [], `give ${flag} a new folder, or one routebench wrote its reports to (e.g. ${flag} reports)`);
  }
}

/** The backtest report `backtest` writes into <out>/<scenario>/, and how each file of it is recognised. */
const BACKTEST_FILES: readonly [string, RegExp][] = [
  ['backtest.md', /^# .*\n\n## Backtest: /],
  ['backtest.json', /^\{\s*"scenario"\s*:/],
];

/**
 * `backtest` replaces `backtest.md` and `backtest.json` in <out>/<scenario>/: such a file that
 * routebench did not write (a team's notes named backtest.md) is refused before the simulation
 * (exit 2) and left untouched; it was overwritten at the end.
 */
export function refuseForeignBacktest(dir: string, flag = '--out'): void {
  for (const [name, ours] of BACKTEST_FILES) {
    const file = path.join(dir, name);
    if (someoneElses(file, (text) => ours.test(text)))
      throw inputError('NOT_OURS', `${file} exists and is not a backtest report routebench wrote; it was left untouched`, [], `give ${flag} another folder, or remove that file first`);
  }
}

function statOrUndefined(file: string) {
  try {
    return statSync(file);
  } catch {
    return undefined; // not there yet (a folder that cannot be written is said by ensureWritableFolder)
  }
}

/** True for a non-empty regular file whose first kilobyte `ours` does not recognise. */
function someoneElses(file: string, ours: (head: string) => boolean): boolean {
  const st = statOrUndefined(file);
  if (!st?.isFile() || st.size === 0) return false;
  const head = Buffer.alloc(Math.min(1024, st.size));
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  return !ours(head.toString('utf8'));
}
