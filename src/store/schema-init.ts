/**
 * The results schema in a file: created, or brought up to date from an earlier routebench, in one
 * transaction, and only when the digest recorded in the file's marker differs from this
 * routebench's (so opening an up-to-date file writes nothing).
 */
import { createHash } from 'node:crypto';
import { ExitCode, HarnessError } from '../errors.js';
import { ERROR_KINDS, OUTCOMES } from '../providers/canonical.js';
import { DDL, MARKER_DDL, MARKER_FORMAT, MARKER_TABLE, SCHEMA_VERSION } from './ddl.js';
import { LOAD_DDL } from './load-ddl.js';
import type { Store } from './open-store.js';

/**
 * Columns added after schema 1 was first written: a results file from an earlier routebench gains
 * them (NULL for its old runs) instead of failing on insert. Only ever append here, and only
 * columns that come last in their table's DDL (appenders write by position).
 */
const ADDED_COLUMNS: readonly [table: string, column: string, type: string][] = [
  ['runs', 'scenario_description', 'VARCHAR'],
  ['runs', 'traffic', 'VARCHAR'],
  ['runs', 'gateways', 'JSON'],
  ['runs', 'time_scale', 'DOUBLE'],
  ['targets', 'via', 'VARCHAR'],
  ['attempts', 'max_gap_ms', 'DOUBLE'],
  ['attempts', 'harness_ms', 'DOUBLE'],
  // NULL for runs written before it existed: their reports keep run order (see report-groups.ts)
  ['runs', 'strategy_index', 'INTEGER'],
  // who writes the run, so a run left 'running' by a process that is gone shows as abandoned
  ['runs', 'owner_pid', 'INTEGER'],
  ['runs', 'owner_host', 'VARCHAR'],
  ['runs', 'owner_start', 'VARCHAR'],
  // where an abort_on_fail threshold stopped the run: compare's structured signal of a partial run
  ['runs', 'stopped_at_ms', 'DOUBLE'],
];

/**
 * Enum types only grow (new error kinds are appended). A file whose enum is an older, shorter list
 * is rebuilt with the current one: the writer stores enum codes by position, and a code past the
 * end of the file's enum would be read back as garbage.
 */
async function extendEnum(store: Store, type: string, table: string, column: string, values: readonly string[]): Promise<void> {
  const [row] = await store.all<{ v: string[] }>(`SELECT enum_range(NULL::${type})::VARCHAR[] AS v`);
  const have = row?.v ?? [];
  if (have.length === values.length && have.every((v, i) => v === values[i])) return;
  if (have.length > values.length || have.some((v, i) => v !== values[i]))
    throw new HarnessError('SCHEMA_ENUM', `${store.file}: its ${type} values (${have.join(', ')}) are not an earlier form of this routebench's`, {
      exitCode: ExitCode.environment,
      hint: 'it was written by another routebench; use that version, or start a new results file with --db',
    });
  const list = values.map((v) => `'${v}'`).join(', ');
  await store.run(`ALTER TABLE ${table} ALTER ${column} TYPE VARCHAR`);
  await store.run(`DROP TYPE ${type}`);
  await store.run(`CREATE TYPE ${type} AS ENUM (${list})`);
  await store.run(`ALTER TABLE ${table} ALTER ${column} TYPE ${type}`);
}

/** Runs `work` in one transaction: all of it is written, or none. */
export async function inTransaction(store: Store, work: () => Promise<void>): Promise<void> {
  await store.run('BEGIN TRANSACTION');
  try {
    await work();
    await store.run('COMMIT');
  } catch (e) {
    await store.run('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** A digest of everything initialise() creates: equal in the file's marker → nothing to do. */
let hash: string | undefined;
export function schemaHash(): string {
  hash ??= createHash('sha256').update(JSON.stringify([SCHEMA_VERSION, DDL, LOAD_DDL, ADDED_COLUMNS, ERROR_KINDS, OUTCOMES])).digest('hex').slice(0, 16);
  return hash;
}

export async function initialise(store: Store): Promise<void> {
  await store.run(MARKER_DDL);
  await store.run(DDL.slice(0, DDL.indexOf('CREATE OR REPLACE VIEW')));
  for (const [table, column, type] of ADDED_COLUMNS) await store.run(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${column} ${type}`);
  await extendEnum(store, 'error_kind_t', 'attempts', 'error_kind', ERROR_KINDS);
  await extendEnum(store, 'outcome_t', 'attempts', 'outcome', OUTCOMES);
  await store.run(DDL.slice(DDL.indexOf('CREATE OR REPLACE VIEW')));
  await store.run(LOAD_DDL);
  await store.run(`INSERT INTO meta VALUES ('schema_version', '${SCHEMA_VERSION}') ON CONFLICT DO NOTHING`);
  await store.run(
    `INSERT OR REPLACE INTO ${MARKER_TABLE} VALUES ('format', '${MARKER_FORMAT}'), ('format_version', '${SCHEMA_VERSION}'), ('ddl', '${schemaHash()}')`,
  );
}
