/**
 * Results beyond one machine: export runs to Parquet, open a DuckDB file or a Parquet export as a
 * source, and merge runs from many sources into one results file with fresh run_no values.
 *
 * How rows cross from one DuckDB instance to another: importRuns exports the source's runs to a
 * temporary Parquet folder and the target loads it with INSERT ... SELECT FROM read_parquet(...)
 * joined to a run_no mapping table (parquet-export.ts). ATTACH would avoid the temporary files
 * for DuckDB-file sources, but a Parquet-export source lives in another instance's memory and
 * cannot be attached; one path for both kinds keeps them equally correct, and Parquet with zstd
 * writes and reads at several million rows per second.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HarnessError, inputError, type Problem } from '../errors.js';
import { openStore, type Store } from './open-store.js';
import { exportRuns, loadExport, readExportMeta } from './parquet-export.js';
import { selectRuns, sqlList } from './select-runs.js';
import { settleAbandonedRuns } from './abandoned-runs.js';

export { exportRuns, readExportMeta, type ExportMeta, type ExportResult } from './parquet-export.js';
export type { RunSelection } from './select-runs.js';

const SOURCE_HINT = 'give a results file (.duckdb) or a folder written by `routebench export --parquet <dir>`';

/**
 * A DuckDB results file opened read-only, or a Parquet export folder loaded into a fresh in-memory
 * store with the routebench schema (every named query works on either). The returned store's
 * `file` is the path given.
 */
export async function openSource(source: string): Promise<Store> {
  if (!existsSync(source)) throw inputError('SOURCE_MISSING', `${source} does not exist`, [{ file: source, path: '', message: 'no such file or folder' }], SOURCE_HINT);
  if (statSync(source).isDirectory()) {
    readExportMeta(source);
    const store = await openStore(':memory:');
    try {
      await loadExport(store, source, { remap: false });
      await settleAbandonedRuns(store, false);
    } catch (e) {
      store.close();
      throw e;
    }
    return { ...store, file: source };
  }
  let store: Store;
  try {
    store = await openStore(source, { readOnly: true });
  } catch (e) {
    if (e instanceof HarnessError && e.code === 'DB_NOT_DUCKDB') throw inputError('SOURCE_INVALID', `${source} is not a DuckDB file`, [{ file: source, path: '', message: 'neither a DuckDB results file nor a Parquet export folder' }], SOURCE_HINT);
    throw e;
  }
  const [{ n }] = await store.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name IN ('runs', 'attempts', 'targets')`);
  if (n < 3) {
    store.close();
    throw inputError('SOURCE_INVALID', `${source} is a DuckDB file without routebench results`, [{ file: source, path: '', message: 'no runs/attempts/targets tables: not written by routebench' }], SOURCE_HINT);
  }
  return { ...store, file: source };
}

export interface ImportResult {
  /** How many runs were copied. */
  imported: number;
  /** run_ids of the copied runs, in source run_no order. */
  runIds: string[];
  /** run_ids the target already held (the same run): left alone. */
  skipped: string[];
}

/** What identifies a run beyond its id: two rows with the same run_id and fingerprint are the same run. */
const FINGERPRINT = `md5(concat_ws('|', run_group, scenario, scenario_hash, strategy, seed, started_at, status, requests, attempt_rows))`;

/**
 * Copies runs (all, or `runIds`) and all their rows from `source` into `target`, with run_no values
 * after the target's largest and run_id/run_group kept. A run already in the target is skipped,
 * so merging the same source twice changes nothing; a different run under an existing run_id is
 * an input error (nothing is written).
 */
export async function importRuns(target: Store, source: Store, opts: { runIds?: string[]; inTransaction?: boolean } = {}): Promise<ImportResult> {
  const [{ n }] = await source.all<{ n: number }>('SELECT count(*)::INTEGER AS n FROM runs');
  if (n === 0 && !opts.runIds?.length) return { imported: 0, runIds: [], skipped: [] };
  const selected = (await selectRuns(source, { runIds: opts.runIds })).map((r) => r.run_id);
  const fingerprints = async (store: Store) =>
    new Map((await store.all<{ run_id: string; fp: string }>(`SELECT run_id, ${FINGERPRINT} AS fp FROM runs WHERE run_id IN (${sqlList(selected)})`)).map((r) => [r.run_id, r.fp]));
  const [mine, theirs] = [await fingerprints(source), await fingerprints(target)];
  const skipped = selected.filter((id) => theirs.get(id) === mine.get(id));
  const clashes = selected.filter((id) => theirs.has(id) && theirs.get(id) !== mine.get(id));
  if (clashes.length > 0)
    throw inputError(
      'RUN_ID_CLASH',
      `${target.file} already holds different runs with the same ids as ${source.file}`,
      clashes.map((id): Problem => ({ file: source.file, path: id, message: `run id already in ${target.file} for a different run (other group, seed, start time, status or row count)` })),
      'merge these sources into separate files, or leave the clashing runs out (export the others with --run-id)',
    );
  const toImport = selected.filter((id) => !theirs.has(id));
  if (toImport.length === 0) return { imported: 0, runIds: [], skipped };
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'routebench-import-'));
  try {
    await exportRuns(source, tmp, { runIds: toImport });
    await loadExport(target, tmp, { remap: true, inTransaction: opts.inTransaction });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { imported: toImport.length, runIds: toImport, skipped };
}

export interface MergeResult extends ImportResult {
  source: string;
}

/**
 * Opens `targetFile` (created if missing) and imports every run of every source, in order, in one
 * transaction: when any source fails (missing, not routebench's, a run id clash, a damaged export)
 * nothing is committed, and a target this call created is removed again.
 */
export async function mergeSources(targetFile: string, sources: readonly string[]): Promise<MergeResult[]> {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const s of sources) {
    if (seen.has(path.resolve(s))) continue; // named twice: said once
    seen.add(path.resolve(s));
    if (path.resolve(s) === path.resolve(targetFile)) problems.push({ file: s, path: '', message: 'is the merge target itself (--db): merge it into another file, or leave it out' });
    else if (!existsSync(s)) problems.push({ file: s, path: '', message: 'no such file or folder' });
  }
  if (sources.length === 0) problems.push({ path: 'sources', message: 'no sources given' });
  if (problems.length > 0) throw inputError('MERGE_SOURCES', 'cannot merge these sources', problems, SOURCE_HINT);
  const created = !existsSync(targetFile);
  let target: Store | undefined;
  try {
    target = await openStore(targetFile);
    const results: MergeResult[] = [];
    await target.run('BEGIN TRANSACTION');
    try {
      for (const s of sources) {
        const source = await openSource(s);
        try {
          results.push({ source: s, ...(await importRuns(target, source, { inTransaction: true })) });
        } finally {
          source.close();
        }
      }
      await target.run('COMMIT');
    } catch (e) {
      await target.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
    await target.checkpoint();
    return results;
  } catch (e) {
    target?.close();
    target = undefined;
    if (created) for (const f of [targetFile, `${targetFile}.wal`]) rmSync(f, { force: true });
    throw e;
  } finally {
    target?.close();
  }
}
