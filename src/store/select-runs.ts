/**
 * Which runs an export or merge is about: by run group, scenario and/or run ids (every given
 * criterion narrows the selection). Asking for something the file does not hold is an input
 * error naming the nearest run groups, scenarios or run ids, never an empty export.
 */
import { inputError, type Problem } from '../errors.js';
import { nearest } from '../scenario/suggest.js';
import type { Store } from './open-store.js';

export interface RunSelection {
  runGroup?: string;
  scenario?: string;
  runIds?: readonly string[];
}

export interface SelectedRun {
  run_no: number;
  run_id: string;
}

/** The per-run tables every export holds, in load order (`runs` first). */
export const CORE_TABLES = ['runs', 'targets', 'reasons', 'tagsets', 'routes', 'incidents', 'attempts'] as const;

/** A SQL string literal (COPY and read_parquet take no bound parameters for paths). */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export const sqlList = (values: readonly string[]) => (values.length === 0 ? 'NULL' : values.map(sqlString).join(', '));

/** Run numbers for `run_no IN (...)`, as whole numbers; `NULL` (matching nothing) for none. */
export const sqlRunNos = (runNos: readonly number[]) => (runNos.length === 0 ? 'NULL' : runNos.map((n) => Math.trunc(n)).join(', '));

/** The selected runs in run_no order; throws an input error (exit 2) when a criterion matches nothing. */
export async function selectRuns(store: Store, selection: RunSelection): Promise<SelectedRun[]> {
  const select = selection.runIds?.length === 0 ? { ...selection, runIds: undefined } : selection;
  const where: string[] = [];
  if (select.runGroup !== undefined) where.push(`run_group = ${sqlString(select.runGroup)}`);
  if (select.scenario !== undefined) where.push(`scenario = ${sqlString(select.scenario)}`);
  if (select.runIds !== undefined) where.push(`run_id IN (${sqlList(select.runIds)})`);
  const rows = await store.all<SelectedRun>(`SELECT run_no, run_id FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY run_no`);
  const missingIds = (select.runIds ?? []).filter((id) => !rows.some((r) => r.run_id === id));
  if (rows.length > 0 && missingIds.length === 0) return rows;
  throw await nothingSelected(store, select, missingIds);
}

async function nothingSelected(store: Store, select: RunSelection, missingIds: readonly string[]) {
  const known = await store.all<{ run_group: string; scenario: string; run_id: string }>('SELECT run_group, scenario, run_id FROM runs ORDER BY run_no');
  if (known.length === 0) return inputError('NO_RUNS', `${store.file} holds no runs`, [], 'run `routebench run` first, or point --db at another results file');
  const distinct = (k: 'run_group' | 'scenario' | 'run_id') => [...new Set(known.map((r) => r[k]))];
  const problems: Problem[] = [];
  const check = (kind: string, value: string | undefined, field: 'run_group' | 'scenario' | 'run_id') => {
    if (value === undefined) return;
    const candidates = distinct(field);
    if (candidates.includes(value)) return;
    problems.push({ path: kind, message: unknownMessage(kind.replace('-', ' '), value, candidates) });
  };
  check('run-group', select.runGroup, 'run_group');
  check('scenario', select.scenario, 'scenario');
  for (const id of missingIds) check('run-id', id, 'run_id');
  if (problems.length === 0)
    problems.push({ path: '', message: `no run matches ${describeSelection(select)} together (each exists, but not in the same run)` });
  return inputError('RUNS_NOT_FOUND', `no such runs in ${store.file}`, problems, 'pick one of the names listed (newest first), or leave the filter out to take every run');
}

/** "unknown run group "x"; did you mean "y"? (newest: a, b, c)": the closest first, then the newest few. */
function unknownMessage(kind: string, value: string, candidates: readonly string[]): string {
  const guess = nearest(value, candidates);
  const newest = candidates.slice(-5).reverse();
  return `unknown ${kind} "${value}"${guess ? `; did you mean "${guess}"?` : ''} (newest: ${newest.join(', ')}${candidates.length > 5 ? ', …' : ''})`;
}

function describeSelection(select: RunSelection): string {
  const parts: string[] = [];
  if (select.runGroup !== undefined) parts.push(`run group "${select.runGroup}"`);
  if (select.scenario !== undefined) parts.push(`scenario "${select.scenario}"`);
  if (select.runIds?.length) parts.push(`run ids ${select.runIds.map((id) => `"${id}"`).join(', ')}`);
  return parts.join(' and ');
}
