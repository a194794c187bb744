/** Options shared by commands that read or write results. */
import type { Argv } from 'yargs';

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
