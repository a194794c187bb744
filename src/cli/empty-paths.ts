/**
 * A path option given as an empty string (`--db "$RESULTS"` with RESULTS unset) is a usage error
 * (exit 2) for every command, said before anything runs. It meant: `--db ''` an in-memory
 * database whose results vanished at exit (exit 0), `--out ''` / `export --parquet ''` reports
 * and Parquet files spilled into the current folder, `import -o ''` / `calibrate -o ''` an
 * internal error after all the work.
 */
import { inputError } from '../errors.js';

/** Options (and positionals) that name a file or folder. */
const PATH_OPTIONS = ['db', 'out', 'output', 'parquet', 'junit', 'pr-comment', 'dir', 'baseline-db', 'candidate-db', 'base', 'body', 'reports', 'append', 'github-output', 'dlp', 'litellm', 'portkey', 'input', 'traces', 'sources', 'paths', 'scenario'] as const;
const POSITIONAL = new Set(['input', 'traces', 'sources', 'paths']);
/** Commands whose `scenario` is a positional; serve and mock-server take it as --scenario; elsewhere it is a name filter, not a path. */
const SCENARIO_POSITIONAL = new Set(['backtest', 'load']);
const SCENARIO_PATH = new Set([...SCENARIO_POSITIONAL, 'serve', 'mock-server']);

function label(key: string, command: string | undefined): string {
  if (key === 'output') return '-o';
  if (POSITIONAL.has(key) || (key === 'scenario' && command !== undefined && SCENARIO_POSITIONAL.has(command))) return `<${key}>`;
  return `--${key}`;
}

export function refuseEmptyPaths(args: Readonly<Record<string, unknown>>, command?: string): void {
  for (const key of PATH_OPTIONS) {
    if (key === 'scenario' && !(command !== undefined && SCENARIO_PATH.has(command))) continue;
    const v = args[key];
    const values: unknown[] = Array.isArray(v) ? v : [v];
    if (!values.some((x) => typeof x === 'string' && x.trim() === '')) continue;
    const said = label(key, command);
    throw inputError('EMPTY_PATH', `${said} is empty; it needs a path`, [], `give a path (an unset shell variable in quotes, e.g. "$RESULTS", gives an empty one)${said.startsWith('<') ? '' : `, or leave ${said} out for its default`}`);
  }
}
