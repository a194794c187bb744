/**
 * The trace files calibrate hands to DuckDB's JSON reader, and what to say when that reader
 * refuses one. DuckDB refuses a UTF-8 BOM (which the trace reader and the importers accept), so a
 * file that starts with one is read through a copy without it. DuckDB's own message for a line
 * that is not JSON names the wrong line (one past it, or further when an unfinished object runs
 * on into the next lines), so after a failed read the files are scanned again, line by line as the
 * trace reader reads them, for the first line DuckDB cannot have read: `file:line: problem`.
 */
import { createReadStream, createWriteStream, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { HarnessError, inputError } from '../errors.js';
import { readLines } from '../traffic/read-lines.js';

export interface ReadableTraces {
  /** The trace files: those given, a folder standing for the `.jsonl` files in it (as `record` writes them). */
  files: string[];
  /** The paths to give DuckDB, in the order of the files. */
  paths: string[];
  /** Removes the copies. */
  cleanup(): void;
}

async function startsWithBom(file: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch {
    return false; // DuckDB says what is wrong with it
  }
  try {
    const head = Buffer.alloc(3);
    const { bytesRead } = await fh.read(head, 0, 3, 0);
    return bytesRead === 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
  } finally {
    await fh.close();
  }
}

/** A missing file or an empty folder is an input error here; anything else is left to DuckDB (a quoted glob, say). */
function expand(given: string): string[] {
  let st;
  try {
    st = statSync(given);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT' && !/[*?[{]/.test(given))
      throw inputError('TRACE_MISSING', `trace ${given} does not exist`, [{ file: given, path: '', message: 'trace not found' }], 'calibrate reads routebench JSONL traces with observed outcomes (from `routebench record` or `routebench import`)');
    return [given];
  }
  if (!st.isDirectory()) return [given];
  const inside = readdirSync(given).filter((f) => f.endsWith('.jsonl')).sort().map((f) => join(given, f));
  if (inside.length === 0) throw inputError('TRACE_NOT_FILE', `${given} is a folder with no .jsonl traces in it`, [{ file: given, path: '', message: 'no .jsonl files' }], 'give the trace files, or the folder `routebench record --out` wrote');
  return inside;
}

/** A file named twice (`a.jsonl a.jsonl`, or a folder and a file in it) would count its calls twice. */
function refuseTwice(given: readonly string[]): string[] {
  const seen = new Map<string, string>();
  const problems: { file: string; path: string; message: string }[] = [];
  const files: string[] = [];
  for (const g of given)
    for (const f of expand(g)) {
      const key = resolve(f);
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, g);
        files.push(f);
      } else problems.push({ file: f, path: '', message: `given twice (${first === g ? 'again' : `also through ${first}`}): its calls would count twice` });
    }
  if (problems.length > 0) throw inputError('TRACE_TWICE', `${problems.length === 1 ? 'a trace is' : 'traces are'} given twice`, problems, 'give each trace once (a folder stands for every .jsonl file in it)');
  return files;
}

export async function readableTraces(given: readonly string[]): Promise<ReadableTraces> {
  const files = refuseTwice(given);
  let dir: string | undefined;
  const paths: string[] = [];
  const cleanup = () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const [i, file] of files.entries()) {
      if (!(await startsWithBom(file))) {
        paths.push(file);
        continue;
      }
      dir ??= mkdtempSync(join(tmpdir(), 'routebench-calibrate-'));
      const copy = join(dir, `${i}.jsonl`);
      await pipeline(createReadStream(file, { start: 3 }), createWriteStream(copy));
      paths.push(copy);
    }
  } catch (e) {
    cleanup();
    throw e;
  }
  return { files, paths, cleanup };
}

type Kind = 'number' | 'integer' | 'boolean' | 'string';
const TOP: Record<string, Kind> = { arrival_ms: 'number', input_tokens: 'integer', output_tokens: 'integer', cached_tokens: 'integer', stream: 'boolean', route: 'string', dialect: 'string' };
const RECORDED: Record<string, Kind> = { ok: 'boolean', status: 'integer', latency_ms: 'number', ttft_ms: 'number', retry_after_ms: 'number', error_kind: 'string', target: 'string', tokens_estimated: 'boolean', client_closed: 'boolean' };

/** What DuckDB cannot cast to the column calibrate reads the field as (it is lenient with numbers in strings and the like). */
function fieldProblem(v: unknown, kind: Kind): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'object') return `must be a ${kind === 'integer' ? 'whole number' : kind}, got ${Array.isArray(v) ? 'an array' : 'an object'}`;
  if (kind === 'number' || kind === 'integer') {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (typeof v === 'string' && !Number.isFinite(n) && !/^\s*[+-]?(inf(inity)?|nan)\s*$/i.test(v)) return `must be a number, got ${JSON.stringify(v)}`;
    if (kind === 'integer' && Math.abs(n) >= 2 ** 63) return `${v} is too large for a token count or status`;
  }
  if (kind === 'boolean' && typeof v === 'string' && !/^\s*(true|false|t|f|yes|no|y|n|1|0)\s*$/i.test(v)) return `must be true or false, got ${JSON.stringify(v)}`;
  return undefined;
}

function rowProblem(row: unknown): string | undefined {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return 'not a JSON object (a trace row is one object per line)';
  const r = row as Record<string, unknown>;
  for (const [k, kind] of Object.entries(TOP)) {
    const p = fieldProblem(r[k], kind);
    if (p) return `${k} ${p}`;
  }
  const rec = r.recorded;
  if (rec === null || rec === undefined) return undefined;
  if (typeof rec !== 'object' || Array.isArray(rec)) return `recorded must be an object ({ok, status, latency_ms, ...}), got ${JSON.stringify(rec)}`;
  for (const [k, kind] of Object.entries(RECORDED)) {
    const p = fieldProblem((rec as Record<string, unknown>)[k], kind);
    if (p) return `recorded.${k} ${p}`;
  }
  return undefined;
}

/** The first line of `files` DuckDB cannot have read, as a located input error (exit 2); undefined when none is found. */
export async function firstBadLine(files: readonly string[]): Promise<HarnessError | undefined> {
  for (const file of files) {
    try {
      // readLines refuses invalid UTF-8, NUL bytes and overlong lines itself, with their line
      for await (const lines of readLines(file)) {
        for (const { text, lineNo } of lines) {
          if (text.trim() === '') continue;
          let problem: string | undefined;
          try {
            problem = rowProblem(JSON.parse(text));
          } catch (e) {
            problem = `not valid JSON (${(e as Error).message})`;
          }
          if (problem !== undefined)
            return inputError('BAD_TRACE', `${file}:${lineNo}: ${problem}`, [{ file, line: lineNo, col: 1, path: `row ${lineNo}`, message: problem }], 'fix or remove that line: calibrate reads routebench JSONL traces with observed outcomes (from `routebench record` or `routebench import`)');
        }
      }
    } catch (e) {
      if (e instanceof HarnessError) return e;
      // not readable as a file here (a quoted glob, no permission): DuckDB's own message says what
    }
  }
  return undefined;
}
