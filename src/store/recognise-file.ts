/**
 * Is this DuckDB file a routebench results file? Decided by reading only, before anything is
 * written: a file routebench created carries the marker table (ddl.ts); a file written by an
 * earlier routebench, before the marker existed, is recognised by its `runs` (and `attempts`)
 * columns and gains the marker when next opened for writing; an empty database becomes a results
 * file; anything else is someone else's database and is refused untouched.
 */
import { inputError } from '../errors.js';
import { MARKER_FORMAT, MARKER_TABLE } from './ddl.js';
import type { Store } from './open-store.js';

export type FileKind =
  | { kind: 'empty' }
  | { kind: 'ours'; version: number; ddl: string | null }
  | { kind: 'legacy'; version: number }
  | { kind: 'foreign'; why: string };

/** Columns every routebench `runs` table has had since the first release. */
const RUNS_CORE = ['run_no', 'run_id', 'run_group', 'scenario', 'scenario_hash', 'strategy', 'strategy_use', 'mode', 'transport', 'seed', 'status'];
/** Columns every routebench `attempts` table has had since the first release. */
const ATTEMPTS_CORE = ['run_no', 'request_no', 'attempt_no', 'target_no', 'scheduled_ms', 'sent_ms', 'end_ms', 'outcome', 'cost_usd'];

export async function recogniseFile(store: Store): Promise<FileKind> {
  const cols = await store.all<{ t: string; c: string }>(
    `SELECT table_name AS t, column_name AS c FROM information_schema.columns
     WHERE table_catalog = current_database() AND table_schema = 'main' ORDER BY table_name, ordinal_position`,
  );
  const tables = new Map<string, string[]>();
  for (const { t, c } of cols) tables.set(t, [...(tables.get(t) ?? []), c]);
  if (tables.size === 0) {
    const [{ n }] = await store.all<{ n: number }>(
      `SELECT (SELECT count(*) FROM duckdb_sequences() WHERE database_name = current_database())
            + (SELECT count(*) FROM duckdb_schemas() WHERE database_name = current_database() AND NOT internal)
            + (SELECT count(*) FROM duckdb_types() WHERE database_name = current_database() AND NOT internal) AS n`,
    );
    return Number(n) === 0 ? { kind: 'empty' } : { kind: 'foreign', why: 'it holds sequences, schemas or types but no tables' };
  }
  const keyValue = async (table: string, key: string): Promise<string | undefined> => {
    const c = tables.get(table);
    if (!c?.includes('key') || !c.includes('value')) return undefined;
    const rows = await store.all<{ value: string | null }>(`SELECT value::VARCHAR AS value FROM ${table} WHERE key::VARCHAR = $k`, { k: key });
    return rows[0]?.value ?? undefined;
  };
  const legacyVersion = Number((await keyValue('meta', 'schema_version')) ?? 1);
  if (tables.has(MARKER_TABLE)) {
    const format = await keyValue(MARKER_TABLE, 'format');
    if (format !== MARKER_FORMAT) return { kind: 'foreign', why: `its ${MARKER_TABLE} table does not say "${MARKER_FORMAT}"` };
    const version = Number((await keyValue(MARKER_TABLE, 'format_version')) ?? 1);
    return { kind: 'ours', version: Math.max(version, legacyVersion), ddl: (await keyValue(MARKER_TABLE, 'ddl')) ?? null };
  }
  const names = [...tables.keys()];
  const listed = `${names.slice(0, 5).join(', ')}${names.length > 5 ? `, … (${names.length} tables)` : ''}`;
  const runs = tables.get('runs');
  if (!runs) return { kind: 'foreign', why: `it has tables (${listed}) but no routebench runs table and no ${MARKER_TABLE} marker` };
  const missingRuns = RUNS_CORE.filter((c) => !runs.includes(c));
  if (missingRuns.length > 0) return { kind: 'foreign', why: `its runs table lacks routebench's columns (${missingRuns.slice(0, 4).join(', ')}${missingRuns.length > 4 ? ', …' : ''})` };
  const attempts = tables.get('attempts');
  if (attempts) {
    const missing = ATTEMPTS_CORE.filter((c) => !attempts.includes(c));
    if (missing.length > 0) return { kind: 'foreign', why: `its attempts table lacks routebench's columns (${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ', …' : ''})` };
  } else if ((await keyValue('meta', 'schema_version')) === undefined) {
    return { kind: 'foreign', why: 'it has a runs table like routebench\'s but neither an attempts table nor a schema_version' };
  }
  return { kind: 'legacy', version: legacyVersion };
}

/** The refusal: exit 2, nothing written. */
export function notOurs(file: string, why: string) {
  return inputError(
    'NOT_ROUTEBENCH',
    `${file} is not a routebench results file: ${why}; it was left untouched`,
    [],
    'point --db at a results file written by routebench, or at a new path (routebench creates it)',
  );
}
