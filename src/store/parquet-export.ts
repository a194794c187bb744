/**
 * The Parquet export format: one zstd Parquet file per per-run table (runs, targets, reasons,
 * tagsets, routes, incidents, attempts, and any other table keyed by run_no that the schema has
 * grown) holding only the selected runs, plus `meta.json` with the schema version, the routebench
 * version that wrote it, the tables and the run ids. run_no values are the source file's own keys;
 * whoever loads an export remaps them (loadExport). No wall-clock time is written.
 *
 * Rows keep their insertion order within each run (ORDER BY run_no, rowid on export; run_no,
 * file_row_number on load), so a run's rows are laid out as in the file it came from.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { environmentFailure, ExitCode, HarnessError, inputError, type Problem } from '../errors.js';
import { harnessVersion } from '../runner/run-environment.js';
import { SCHEMA_VERSION } from './ddl.js';
import type { Store } from './open-store.js';
import { CORE_TABLES, selectRuns, sqlList, sqlString, type RunSelection } from './select-runs.js';
import { makeFolders } from '../make-folders.js';

export const EXPORT_FORMAT = 'routebench-parquet';

export interface ExportMeta {
  format: typeof EXPORT_FORMAT;
  schema_version: number;
  routebench_version: string;
  tables: string[];
  runs: number;
  attempt_rows: number;
  run_ids: string[];
}

export interface ExportResult {
  runs: number;
  attemptRows: number;
  /** The files written: one Parquet file per table, then meta.json. */
  files: string[];
}

const parquetFile = (dir: string, table: string) => path.resolve(dir, `${table}.parquet`);
const HINT = 'a Parquet export folder holds meta.json and one .parquet file per table, as written by `routebench export --parquet <dir>`; export it again';

/** The store's base tables keyed by run_no: the core ones in load order, then any others by name. */
export async function runTables(store: Store): Promise<string[]> {
  const rows = await store.all<{ t: string }>(`
    SELECT table_name AS t FROM information_schema.columns c JOIN information_schema.tables USING (table_catalog, table_schema, table_name)
    WHERE column_name = 'run_no' AND table_type = 'BASE TABLE' AND table_schema = 'main' AND table_catalog = current_database()
    ORDER BY coalesce(list_position([${sqlList(CORE_TABLES)}], table_name), 1000), table_name`);
  return rows.map((r) => r.t);
}

/**
 * Refuses (exit 2, nothing written) a folder where the export would replace files that no earlier
 * `routebench export` wrote: any of `names` there without a routebench meta.json beside them.
 */
function refuseForeignFiles(dir: string, names: readonly string[]): void {
  const there = names.filter((n) => existsSync(path.join(dir, n)));
  if (there.length === 0) return;
  let format: unknown;
  try {
    format = (JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as { format?: unknown }).format;
  } catch {
    format = undefined;
  }
  if (format !== EXPORT_FORMAT)
    throw inputError('EXPORT_NOT_OURS', `${dir} holds files that routebench export did not write (${there.join(', ')}); they were left untouched`, [], 'export to a new or empty folder with --parquet, or to one an earlier `routebench export` wrote');
}

/** Writes the selected runs of `store` to `dir` (created if needed); an earlier export's files there are replaced, anyone else's are refused. */
export async function exportRuns(store: Store, dir: string, select: RunSelection): Promise<ExportResult> {
  const runs = await selectRuns(store, select);
  const runNos = runs.map((r) => Math.trunc(r.run_no)).join(', ');
  try {
    makeFolders(dir, '--parquet');
  } catch (e) {
    throw new HarnessError('EXPORT_UNWRITABLE', `cannot create ${dir}: ${(e as Error).message}`, { exitCode: ExitCode.environment, hint: 'choose a writable folder with --parquet <dir>', cause: e });
  }
  const tables = await runTables(store);
  const metaFile = path.join(dir, 'meta.json');
  refuseForeignFiles(dir, [...tables.map((t) => `${t}.parquet`), 'meta.json']);
  // meta.json goes first and comes back last: an export cut short (Ctrl-C, a full disk) has none,
  // so it is refused as incomplete instead of pairing the old meta.json with new tables.
  rmSync(metaFile, { force: true });
  const files: string[] = [];
  for (const table of tables) {
    const file = parquetFile(dir, table);
    // run_no is unique in runs, which may be a view here (abandoned-runs.ts) without a rowid.
    await store.run(`COPY (SELECT * FROM ${table} WHERE run_no IN (${runNos}) ORDER BY run_no${table === 'runs' ? '' : ', rowid'}) TO ${sqlString(file)} (FORMAT parquet, COMPRESSION zstd)`);
    files.push(path.join(dir, `${table}.parquet`));
  }
  const [{ n }] = await store.all<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM attempts WHERE run_no IN (${runNos})`);
  const meta: ExportMeta = { format: EXPORT_FORMAT, schema_version: SCHEMA_VERSION, routebench_version: harnessVersion(), tables, runs: runs.length, attempt_rows: n, run_ids: runs.map((r) => r.run_id) };
  writeFileSync(metaFile, `${JSON.stringify(meta, null, 2)}\n`);
  files.push(metaFile);
  return { runs: runs.length, attemptRows: n, files };
}

/**
 * Reads and checks an export folder's meta.json and files: newer schema → exit 4, anything missing
 * → exit 2. The returned `tables` always holds the core tables first.
 */
export function readExportMeta(dir: string): ExportMeta {
  const metaFile = path.join(dir, 'meta.json');
  if (!existsSync(metaFile)) throw inputError('EXPORT_INCOMPLETE', `${dir} is not a routebench Parquet export: meta.json is missing`, [{ file: metaFile, path: '', message: 'missing: not a routebench Parquet export (no meta.json)' }], HINT);
  let meta: Partial<ExportMeta>;
  try {
    meta = JSON.parse(readFileSync(metaFile, 'utf8')) as Partial<ExportMeta>;
  } catch (e) {
    throw inputError('EXPORT_INVALID', `${metaFile} is not valid JSON`, [{ file: metaFile, path: '', message: `not valid JSON: ${(e as Error).message}` }], HINT);
  }
  const version = meta?.schema_version;
  if (meta?.format !== EXPORT_FORMAT || typeof version !== 'number' || !Number.isInteger(version) || version < 1 || !isStringList(meta.tables))
    throw inputError('EXPORT_INVALID', `${metaFile} is not a routebench export description`, [{ file: metaFile, path: '', message: `expected format "${EXPORT_FORMAT}", an integer schema_version and a tables list` }], HINT);
  if (version > SCHEMA_VERSION)
    throw new HarnessError('SCHEMA_NEWER', `${dir} was exported by a newer routebench (${meta.routebench_version ?? 'unknown version'}, schema ${version}; this one reads ${SCHEMA_VERSION})`, {
      exitCode: ExitCode.environment,
      hint: 'upgrade routebench to read this export (npm install routebench@latest)',
    });
  const tables = [...new Set([...CORE_TABLES, ...meta.tables])];
  const problems: Problem[] = tables
    .filter((t) => !existsSync(parquetFile(dir, t)))
    .map((t) => ({ file: path.join(dir, `${t}.parquet`), path: '', message: `missing: the export has no ${t} table` }));
  if (problems.length > 0) throw inputError('EXPORT_INCOMPLETE', `${dir} is an incomplete export`, problems, HINT);
  return { ...(meta as ExportMeta), tables };
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string' && /^[a-z_][a-z0-9_]*$/.test(x));

/**
 * Loads an export folder into `target` in one transaction, in SQL only. With `remap` the runs get
 * fresh run_no values after the target's largest (in source order); without it they keep the
 * export's run_no (for a fresh store). Every other column, run_id and run_group included, is kept.
 * A table this schema does not have (written by a newer, compatible routebench) is left out.
 */
export async function loadExport(target: Store, dir: string, opts: { remap: boolean; inTransaction?: boolean }): Promise<void> {
  const meta = readExportMeta(dir);
  const known = new Set(await runTables(target));
  const newNo = opts.remap ? '(SELECT coalesce(max(run_no), 0) FROM runs) + row_number() OVER (ORDER BY run_no)' : 'run_no';
  // Inside a caller's transaction (a merge of many sources) the caller commits or rolls back.
  const own = !opts.inTransaction;
  if (own) await target.run('BEGIN TRANSACTION');
  try {
    await target.run(`CREATE OR REPLACE TEMP TABLE routebench_run_map AS SELECT run_no AS old_no, (${newNo})::INTEGER AS new_no FROM read_parquet(${sqlString(parquetFile(dir, 'runs'))})`);
    for (const table of meta.tables.filter((t) => known.has(t)))
      await target.run(`
        INSERT INTO ${table} BY NAME
        SELECT p.* EXCLUDE (file_row_number) REPLACE (m.new_no AS run_no)
        FROM read_parquet(${sqlString(parquetFile(dir, table))}, file_row_number = true) p
        JOIN routebench_run_map m ON m.old_no = p.run_no
        ORDER BY m.new_no, p.file_row_number`);
    await target.run('DROP TABLE routebench_run_map');
    if (own) await target.run('COMMIT');
  } catch (e) {
    if (own) await target.run('ROLLBACK').catch(() => undefined);
    const storage = environmentFailure(e);
    if (storage) throw storage;
    throw inputError('EXPORT_LOAD_FAILED', `cannot load the export in ${dir}: ${((e as Error).message ?? String(e)).split('\n')[0]}`, [], 'the Parquet files may be damaged or from another tool; export them again with `routebench export --parquet`');
  }
}
