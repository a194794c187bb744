/**
 * Harness errors and the one exit-code table.
 *
 * Provider failures are never errors: they are attempt rows. A `HarnessError` is for bad input,
 * environment problems and bugs in the harness itself. Each carries a code, a hint that names the
 * fix, and the exit code the CLI returns. Only `src/cli` turns these into output and exit codes.
 */

/** Exit codes: the only table. */
export const ExitCode = {
  /** Everything ran and every threshold passed. */
  ok: 0,
  /** An unexpected harness bug: please report it. */
  internal: 1,
  /** Usage error or invalid scenario/trace/config: every problem is listed with file:line and path. */
  usage: 2,
  /** The run completed but thresholds (or a regression budget) failed. */
  thresholds: 3,
  /** Environment: database locked, missing key variable, port in use, unreadable file system. */
  environment: 4,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** One located problem in an input file, printed as `file:line:col  path  message`. */
export interface Problem {
  file?: string;
  line?: number;
  col?: number;
  /** Dotted field path, e.g. `strategies.fb.options.targets[1]`. Empty for whole-file problems. */
  path: string;
  message: string;
}

export class HarnessError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly exitCode: ExitCodeValue;
  readonly problems: readonly Problem[];

  constructor(
    code: string,
    message: string,
    opts: { hint?: string; exitCode?: ExitCodeValue; problems?: readonly Problem[]; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'HarnessError';
    this.code = code;
    this.hint = opts.hint;
    this.exitCode = opts.exitCode ?? ExitCode.usage;
    this.problems = opts.problems ?? [];
  }
}

/** Invalid input: a scenario, trace or option. Lists every problem at once; exit 2. */
export function inputError(code: string, message: string, problems: readonly Problem[] = [], hint?: string): HarnessError {
  return new HarnessError(code, message, { problems, hint, exitCode: ExitCode.usage });
}

/** An environment problem (locked DB, missing variable, port in use); exit 4. */
export function environmentError(code: string, message: string, hint: string, cause?: unknown): HarnessError {
  return new HarnessError(code, message, { hint, exitCode: ExitCode.environment, cause });
}

/** Formats one problem as the single line users grep for. */
export function formatProblem(p: Problem): string {
  const where = p.file ? `${p.file}${p.line ? `:${p.line}:${p.col ?? 1}` : ''}` : '';
  return [where, p.path, p.message].filter((s) => s !== '').join('  ');
}

/** Sorts problems by file, line, column, then path so output is stable. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.col ?? 0) - (b.col ?? 0) ||
      a.path.localeCompare(b.path),
  );
}

/**
 * DuckDB's messages when its buffer pool cannot grow: its own "Out of Memory Error", and the
 * appender's, which lose that prefix ("Failed to append: could not allocate block of size …").
 */
const DUCKDB_OUT_OF_MEMORY = /Out of Memory Error|could not allocate block of size|failed to pin block of size|failed to allocate data of size/i;

export const isDuckdbOutOfMemory = (e: unknown): boolean => e instanceof Error && DUCKDB_OUT_OF_MEMORY.test(e.message);

/**
 * DuckDB ran out of memory: under the user's ROUTEBENCH_DUCKDB_MEMORY (raise or unset it), or
 * without it, the machine's (DuckDB's default limit is 80% of RAM). Only DuckDB's first line is
 * kept: the rest is its advice for SQL users (SET threads, SET memory_limit), which a routebench
 * user cannot act on.
 */
function duckdbOutOfMemory(err: Error, env: Record<string, string | undefined>): HarnessError {
  const first = (err.message.split('\n')[0] ?? '').replace(/^(Failed to append: )?(Failed to commit: )?/, '');
  const limit = env.ROUTEBENCH_DUCKDB_MEMORY;
  if (limit)
    return environmentError('DUCKDB_OUT_OF_MEMORY', `DuckDB ran out of memory under ROUTEBENCH_DUCKDB_MEMORY=${limit}: ${first}`, 'raise ROUTEBENCH_DUCKDB_MEMORY (the default suite needs 128MB) or unset it, and run again; runs that finished before are kept', err);
  return environmentError('DUCKDB_OUT_OF_MEMORY', `DuckDB ran out of memory: ${first}`, 'free memory on this machine, or set ROUTEBENCH_DUCKDB_MEMORY (e.g. 512MB) below what is free so DuckDB spills to disk instead, and run again', err);
}

/**
 * What a failed write or listen means to the user, from a Node errno code or a DuckDB I/O error
 * message: a full disk, a file-size or quota limit, no permission, a read-only file system, a busy
 * port or an address this machine does not have. Returns undefined for anything else (a bug).
 */
export function environmentFailure(e: unknown, where?: string, env: Record<string, string | undefined> = process.env): HarnessError | undefined {
  if (e instanceof HarnessError || !(e instanceof Error)) return undefined;
  const err = e as NodeJS.ErrnoException & { address?: string; port?: number; hostname?: string };
  const text = `${err.code ?? ''} ${err.message}`;
  if (DUCKDB_OUT_OF_MEMORY.test(err.message)) return duckdbOutOfMemory(err, env);
  const at = where ?? err.path ?? (err.address !== undefined ? `${err.address}${err.port !== undefined ? `:${err.port}` : ''}` : undefined);
  const on = at ? ` (${at})` : '';
  const file = /Could not (?:write|read|open|truncate|sync|create)[^"]*"([^"]+)"/.exec(err.message)?.[1];
  const target = file ?? at;
  if (/ENOSPC|No space left on device/i.test(text))
    return environmentError('DISK_FULL', `the disk is full: cannot write ${target ?? 'the results'}`, 'free some space (or write results elsewhere with --db / --out) and run again; finished runs are kept, unfinished ones are marked error', e);
  if (/EFBIG|File too large/i.test(text))
    return environmentError('DISK_FULL', `a file-size limit was reached: cannot write ${target ?? 'the results'}`, 'raise the limit (`ulimit -f`), or write results elsewhere with --db / --out, and run again', e);
  if (/EDQUOT|Disk quota exceeded/i.test(text))
    return environmentError('DISK_FULL', `the disk quota is used up: cannot write ${target ?? 'the results'}`, 'free some space within your quota (or write elsewhere with --db / --out) and run again', e);
  if (/EROFS|Read-only file system/i.test(text))
    return environmentError('READ_ONLY_FS', `cannot write ${target ?? 'here'}: the file system is read-only`, 'choose a writable location with --db / --out', e);
  if (err.syscall === 'listen' || err.syscall === 'bind' || err.syscall === 'getaddrinfo') {
    if (err.code === 'EADDRINUSE') return environmentError('PORT_IN_USE', `port in use${on}`, 'stop whatever listens there, or pick another --port (0 picks a free one)', e);
    if (err.code === 'EADDRNOTAVAIL') return environmentError('HOST_UNAVAILABLE', `this machine has no network interface with that address${on}`, 'use 127.0.0.1, or an address of one of this machine\'s interfaces, with --host', e);
    if (err.code === 'EACCES') return environmentError('PORT_FORBIDDEN', `not allowed to listen${on}`, 'ports below 1024 need privileges: pick a port of 1024 or more with --port', e);
    if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN')
      return new HarnessError('HOST_UNKNOWN', `cannot resolve the host name "${err.hostname ?? at ?? ''}"`, { hint: 'give an IP address or a name this machine resolves with --host, e.g. 127.0.0.1', exitCode: ExitCode.usage, cause: e });
  }
  if (/EACCES|EPERM|Permission denied|Operation not permitted/i.test(text))
    return environmentError('NO_PERMISSION', `permission denied: cannot write ${target ?? 'here'}`, 'choose a location you can write to with --db / --out, or fix its permissions', e);
  if (err.code === 'ENOTDIR' || err.code === 'EISDIR')
    return environmentError('NOT_A_FOLDER', `${target ?? 'a path'}: ${err.code === 'ENOTDIR' ? 'a part of this path is a file, not a folder' : 'is a folder, not a file'}`, 'choose another path with --db / --out', e);
  // mkdir of a folder (record --out, report folders) where a file of that name already is
  if (err.code === 'EEXIST' && err.syscall === 'mkdir')
    return environmentError('NOT_A_FOLDER', `${target ?? 'a path'}: is a file, not a folder`, 'choose another path with --db / --out', e);
  return undefined;
}
