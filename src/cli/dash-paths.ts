/**
 * `-` as an output path. Where a command writes one text stream and nothing else needs its stdout,
 * `-` is stdout: `import -o -` (the JSONL trace), `report --pr-comment -`, `ci summary --out -`;
 * those commands then print their notes on stderr. Everywhere else an output given as `-` is
 * refused (exit 2, before anything runs) with the path to give instead: it used to make a file or
 * folder literally named `-` in the current folder (`calibrate -o -`, `record --out -`,
 * `backtest --out -`, `export --parquet -`, `--db -`). Those outputs are folders, several files,
 * a DuckDB database, or a file written beside a command whose stdout carries its own summary.
 * `./-` still names a file or folder called `-`.
 */
import { inputError } from '../errors.js';

/** Where `-` is stdout: command → option. */
const STDOUT: Readonly<Record<string, readonly string[]>> = { import: ['output'], report: ['pr-comment'], ci: ['out'] };

/** What each output option names, an example path, and where the command prints instead (if it can). */
const NAMES: Readonly<Record<string, (command: string) => { what: string; example: string; print?: string }>> = {
  db: () => ({ what: 'the results file, a DuckDB database', example: 'results/routebench.duckdb' }),
  out: (command) =>
    command === 'record'
      ? { what: 'the folder the trace files go into', example: 'traces/recorded' }
      : command === 'backtest'
        ? { what: 'the folder for backtest.md and backtest.json', example: 'reports', print: 'the backtest is printed on stdout as it is; --json prints it as JSON' }
        : { what: 'the folder for the reports', example: 'reports' },
  output: () => ({ what: 'the calibration file, with its fit report written beside it (.report.md, .report.html)', example: 'calibration.yaml', print: '--json prints the fit on stdout' }),
  parquet: () => ({ what: 'the folder for the Parquet files and meta.json', example: 'export' }),
  junit: () => ({ what: 'the JUnit XML file (stdout carries the run\'s summary)', example: 'junit.xml' }),
  dir: () => ({ what: 'the repository to scaffold in', example: '.' }),
  append: () => ({ what: 'a file to append to', example: '"$GITHUB_STEP_SUMMARY"' }),
  'github-output': () => ({ what: 'a file to append to', example: '"$GITHUB_OUTPUT"' }),
};

/** Commands that only read --db: there `-` would be stdin. */
const READ_ONLY_DB = new Set(['report', 'compare', 'export']);

/** Throws for an output option given as `-` that cannot be stdout in `command`. */
export function refuseDashPaths(args: Readonly<Record<string, unknown>>, command?: string): void {
  for (const [key, names] of Object.entries(NAMES)) {
    if (args[key] !== '-' || (command !== undefined && STDOUT[command]?.includes(key))) continue;
    const flag = key === 'output' ? '-o' : `--${key}`;
    const { what, example, print } = names(command ?? '');
    throw inputError(
      'DASH_PATH',
      `${command === undefined ? '' : `${command} `}${flag} names ${what}: it cannot be ${key === 'db' && command !== undefined && READ_ONLY_DB.has(command) ? 'stdin' : 'stdout'} (-)`,
      [],
      `give a path, e.g. ${flag} ${example}${print ? ` (${print})` : ''}; ./- names a file or folder called "-"`,
    );
  }
}

/** The long options whose value may be `-`. */
const DASH_VALUE = new Set([...Object.keys(NAMES), 'pr-comment'].map((k) => `--${k}`));

/**
 * `--out -` as `--out=-`: yargs takes a lone `-` after a long option for a positional (so the option
 * read as empty and the command failed with "Unknown argument: -"), while `-o -` and `--out=-`
 * give the option `-`. Options after `--` are left alone.
 */
export function joinDashValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return [...out, ...argv.slice(i)];
    if (DASH_VALUE.has(a) && argv[i + 1] === '-') {
      out.push(`${a}=-`);
      i++;
    } else out.push(a);
  }
  return out;
}
