/**
 * `routebench export --parquet <dir> [--db file] [--run-group g] [--scenario s] [--run-id id ...]`:
 * writes the selected runs (every run when nothing is selected) as one Parquet file per table plus
 * meta.json, for DuckDB, pandas, Polars or Spark elsewhere, or for `routebench merge`.
 */
import type { Argv } from 'yargs';
import { ExitCode } from '../../errors.js';
import { exportRuns, openSource } from '../../store/transfer-runs.js';
import { ensureWritableFolder, type Io } from '../io.js';

export interface ExportArgs {
  parquet: string;
  db: string;
  'run-group'?: string;
  scenario?: string;
  'run-id'?: string[];
}

export function exportBuilder(y: Argv): Argv<ExportArgs> {
  return y
    .option('parquet', { type: 'string', demandOption: true, describe: 'folder to write the Parquet files and meta.json to (created if needed)' })
    .option('db', { type: 'string', default: 'results/routebench.duckdb', describe: 'results database to read (a DuckDB file or a Parquet export folder)' })
    .option('run-group', { type: 'string', describe: 'only the runs of this run group' })
    .option('scenario', { type: 'string', describe: 'only the runs of this scenario' })
    .option('run-id', { type: 'string', array: true, describe: 'only these runs (repeatable)' }) as unknown as Argv<ExportArgs>;
}

export async function exportHandler(args: ExportArgs, io: Io): Promise<number> {
  ensureWritableFolder(args.parquet, '--parquet');
  const store = await openSource(args.db);
  try {
    const result = await exportRuns(store, args.parquet, { runGroup: args['run-group'], scenario: args.scenario, runIds: args['run-id'] });
    const plural = result.runs === 1 ? '' : 's';
    io.out(`exported ${result.runs} run${plural}, ${result.attemptRows.toLocaleString('en-US')} attempt rows from ${args.db} to ${args.parquet}\n`);
    for (const file of result.files) io.out(`  ${file}\n`);
  } finally {
    store.close();
  }
  return ExitCode.ok;
}
