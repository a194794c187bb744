/** Options shared by commands that read or write results. */
import type { Argv } from 'yargs';
import { inputError } from '../../errors.js';

export interface CommonArgs {
  db: string;
  out: string;
  json: boolean;
  quiet: boolean;
}

export function commonOptions(y: Argv): Argv<CommonArgs> {
  return y
    .option('db', { type: 'string', default: 'results/routebench.duckdb', describe: 'results database (DuckDB file)' })
    .option('out', { type: 'string', default: 'reports', describe: 'folder for reports' })
    .option('json', { type: 'boolean', default: false, describe: 'print the summary as JSON' })
    .option('quiet', { type: 'boolean', default: false, describe: 'print only failures' }) as unknown as Argv<CommonArgs>;
}

/**
 * A yargs `coerce` for whole-number options (`--seed abc` or `--port 99999` are usage errors, exit
 * 2, naming the option and the range, instead of NaN travelling on or a crash at listen time).
 */
export function wholeNumber(flag: string, min: number, max: number, what = 'a whole number') {
  return (value: unknown): number | undefined => {
    if (value === undefined) return undefined;
    const v = Array.isArray(value) ? value[value.length - 1] : value;
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
    if (!Number.isInteger(n) || n < min || n > max)
      throw inputError('BAD_OPTION', `--${flag} must be ${what} from ${min} to ${max}, got ${typeof v === 'number' && Number.isNaN(v) ? 'something that is not a number' : JSON.stringify(v)}`, [], `give --${flag} a value in that range`);
    return n;
  };
}

/** --seed: as a scenario's seed, 0 to 2^32 - 1. */
export const seedOption = wholeNumber('seed', 0, 2 ** 32 - 1);
/** A TCP port; 0 asks the system for a free one. */
export const portOption = (flag: string) => wholeNumber(flag, 0, 65535, 'a port number');
