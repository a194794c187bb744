/**
 * The Parquet export format: one zstd Parquet file per table (runs, targets, reasons, tagsets,
 * routes, incidents, attempts) holding only the selected runs, plus `meta.json` with the schema
 * version, the routebench version that wrote it and the run ids. run_no values are the source
 * file's own keys; whoever loads an export remaps them (see loadExport). No wall-clock time is
 * written, so exporting the same runs twice gives the same meta.json.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ExitCode, HarnessError, inputError, type Problem } from '../errors.js';
import { harnessVersion } from '../runner/run-environment.js';
import { SCHEMA_VERSION } from './ddl.js';
import type { Store } from './open-store.js';
import { selectRuns, sqlString, TRANSFER_TABLES, type RunSelection } from './select-runs.js';

export const EXPORT_FORMAT = 'routebench-parquet';

export interface ExportMeta {
  format: typeof EXPORT_FORMAT;
  schema_version: number;
  routebench_version: string;
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

const parquetFile = (dir: string, table: string) => path.join(dir, `${table}.parquet`);

/** Writes the selected runs of `store` to `dir` (created if needed); existing export files there are replaced. */
export async function exportRuns(store: Store, dir: string, select: RunSelection): Promise<ExportResult> {
  const runs = await selectRuns(store, select);
  const runNos = runs.map((r) => Math.trunc(r.run_no)).join(', ');
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new HarnessError('EXPORT_UNWRITABLE', `cannot create ${dir}: ${(e as Error).message}`, { exitCode: ExitCode.environment, hint: 'choose a writable folder with --parquet <dir>', cause: e });
  }
  const files: string[] = [];
  for (const t of TRANSFER_TABLES) {
    const file = parquetFile(dir, t.name);
    await store.run(`COPY (SELECT * FROM ${t.name} WHERE run_no IN (${runNos}) ORDER BY ${t.order}) TO ${sqlString(path.resolve(file))} (FORMAT parquet, COMPRESSION zstd)`);
    files.push(file);
  }
  const [{ n }] = await store.all<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM attempts WHERE run_no IN (${runNos})`);
  const meta: ExportMeta = { format: EXPORT_FORMAT, schema_version: SCHEMA_VERSION, routebench_version: harnessVersion(), runs: runs.length, attempt_rows: n, run_ids: runs.map((r) => r.run_id) };
  const metaFile = path.join(dir, 'meta.json');
  writeFileSync(metaFile, `${JSON.stringify(meta, null, 2)}\n`);
  files.push(metaFile);
  return { runs: runs.length, attemptRows: n, files };
}

/** Reads and checks an export folder's meta.json and files: newer schema → exit 4, anything missing → exit 2. */
export function readExportMeta(dir: string): ExportMeta {
  const metaFile = path.join(dir, 'meta.json');
  const hint = 'a Parquet export folder holds meta.json and one .parquet file per table, as written by `routebench export --parquet <dir>`; export it again';
  if (!existsSync(metaFile)) throw inputError('EXPORT_INCOMPLETE', `${dir} is not a routebench Parquet export: meta.json is missing`, [{ file: metaFile, path: '', message: 'missing: not a routebench Parquet export (no meta.json)' }], hint);
  let meta: Partial<ExportMeta>;
  try {
    meta = JSON.parse(readFileSync(metaFile, 'utf8')) as Partial<ExportMeta>;
  } catch (e) {
    throw inputError('EXPORT_INVALID', `${metaFile} is not valid JSON`, [{ file: metaFile, path: '', message: `not valid JSON: ${(e as Error).message}` }], hint);
  }
  const version = meta?.schema_version;
  if (meta?.format !== EXPORT_FORMAT || typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    throw inputError('EXPORT_INVALID', `${metaFile} is not a routebench export description`, [{ file: metaFile, path: 'schema_version', message: `expected format "${EXPORT_FORMAT}" and an integer schema_version` }], hint);
  if (version > SCHEMA_VERSION)
    throw new HarnessError('SCHEMA_NEWER', `${dir} was exported by a newer routebench (${meta.routebench_version ?? 'unknown version'}, schema ${version}; this one reads ${SCHEMA_VERSION})`, {
      exitCode: ExitCode.environment,
      hint: 'upgrade routebench to read this export (npm install routebench@latest)',
    });
  const problems: Problem[] = TRANSFER_TABLES.filter((t) => !existsSync(parquetFile(dir, t.name))).map((t) => ({ file: parquetFile(dir, t.name), path: '', message: `missing: the export has no ${t.name} table` }));
  if (problems.length > 0) throw inputError('EXPORT_INCOMPLETE', `${dir} is an incomplete export`, problems, hint);
  return meta as ExportMeta;
}

/**
 * Loads an export folder into `target` in one transaction, in SQL only. With `remap` the runs get
 * fresh run_no values after the target's largest (in source order); without it they keep the
 * export's run_no (for a fresh store). Every other column, run_id and run_group included, is kept,
 * and rows keep the export's order within each run.
 */
export async function loadExport(target: Store, dir: string, opts: { remap: boolean }): Promise<void> {
  readExportMeta(dir);
  const newNo = opts.remap ? '(SELECT coalesce(max(run_no), 0) FROM runs) + row_number() OVER (ORDER BY run_no)' : 'run_no';
  await target.run('BEGIN TRANSACTION');
  try {
    await target.run(
      `CREATE OR REPLACE TEMP TABLE routebench_run_map AS SELECT run_no AS old_no, (${newNo})::INTEGER AS new_no FROM read_parquet(${sqlString(path.resolve(parquetFile(dir, 'runs')))})`,
    );
    for (const t of TRANSFER_TABLES)
      await target.run(`
        INSERT INTO ${t.name} BY NAME
        SELECT p.* EXCLUDE (file_row_number) REPLACE (m.new_no AS run_no)
        FROM read_parquet(${sqlString(path.resolve(parquetFile(dir, t.name)))}, file_row_number = true) p
        JOIN routebench_run_map m ON m.old_no = p.run_no
        ORDER BY m.new_no, p.file_row_number`);
    await target.run('DROP TABLE routebench_run_map');
    await target.run('COMMIT');
  } catch (e) {
    await target.run('ROLLBACK').catch(() => undefined);
    if (e instanceof HarnessError) throw e;
    throw inputError('EXPORT_LOAD_FAILED', `cannot load the export in ${dir}: ${((e as Error).message ?? String(e)).split('\n')[0]}`, [], 'the Parquet files may be damaged or from another tool; export them again with `routebench export --parquet`');
  }
}
