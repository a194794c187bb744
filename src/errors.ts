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
