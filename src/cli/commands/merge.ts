/**
 * `routebench merge <sources..> --db <target>`: copies every run of each source (a DuckDB results
 * file or a Parquet export folder) into the target file with fresh run numbers. Runs the target
 * already holds are skipped, so merging the same shard twice is harmless.
 */
import type { Argv } from 'yargs';
import { ExitCode } from '../../errors.js';
import { mergeSources } from '../../store/transfer-runs.js';
import { ensureWritableFileFolder, type Io } from '../io.js';
import { nounFor } from '../../plural.js';

export interface MergeArgs {
  sources: string[];
  db: string;
}

export function mergeBuilder(y: Argv): Argv<MergeArgs> {
  return y
    .positional('sources', { type: 'string', array: true, demandOption: true, describe: 'DuckDB results files or Parquet export folders' })
    .option('db', { type: 'string', demandOption: true, describe: 'results database to merge into (created if missing)' }) as unknown as Argv<MergeArgs>;
}

export async function mergeHandler(args: MergeArgs, io: Io): Promise<number> {
  ensureWritableFileFolder(args.db, '--db');
  const results = await mergeSources(args.db, args.sources);
  const runs = (n: number) => `${n} ${nounFor(n, 'run')}`;
  for (const r of results) {
    io.out(`${r.source}: imported ${runs(r.imported)}`);
    io.out(r.skipped.length > 0 ? `, skipped ${runs(r.skipped.length)} already in ${args.db}\n` : '\n');
    for (const id of r.runIds) io.out(`  + ${id}\n`);
    for (const id of r.skipped) io.out(`  = ${id} (already present)\n`);
  }
  const total = results.reduce((sum, r) => sum + r.imported, 0);
  io.out(`results: ${args.db} (${runs(total)} imported from ${results.length} source${results.length === 1 ? '' : 's'})\n`);
  return ExitCode.ok;
}
