/**
 * Opens the results database (an embedded DuckDB file, or ':memory:' for tests), creates the
 * schema, and refuses a file from a newer schema. A file locked by another process becomes a
 * clear environment error (exit 4) naming the fix, never a stack trace.
 *
 * A file is read before anything is written to it (recognise-file.ts): someone else's database
 * is refused untouched (exit 2); schema changes run in one transaction and only when the file's
 * recorded DDL differs from this routebench's, so opening an up-to-date file writes nothing.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { environmentError, environmentFailure, HarnessError, ExitCode, inputError } from '../errors.js';
import { DDL, MARKER_DDL, MARKER_FORMAT, MARKER_TABLE, SCHEMA_VERSION } from './ddl.js';
import { notOurs, recogniseFile } from './recognise-file.js';
import { settleAbandonedRuns } from './abandoned-runs.js';
import { ERROR_KINDS, OUTCOMES } from '../providers/canonical.js';
import { LOAD_DDL } from './load-ddl.js';
import { duckdbMemorySettings } from './duckdb-memory.js';

export interface Store {
  readonly file: string;
  readonly con: DuckDBConnection;
  /** Rows of a query as plain JSON-safe objects (BIGINT → number where safe). */
  all<T = Record<string, unknown>>(sql: string, params?: Record<string, unknown>): Promise<T[]>;
  run(sql: string, params?: Record<string, unknown>): Promise<void>;
  checkpoint(): Promise<void>;
  close(): void;
}

export interface OpenOptions {
  readOnly?: boolean;
  /** Create the schema if missing (default true for writable stores). */
  create?: boolean;
}

export async function openStore(file: string, opts: OpenOptions = {}): Promise<Store> {
  const memory = file === ':memory:';
  if (!memory && opts.readOnly && !existsSync(file))
    throw inputError('DB_MISSING', `no results file at ${file}`, [], 'run `routebench run` first (it creates the file), or point --db at an existing results file');
  if (!memory && !opts.readOnly) {
    try {
      mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    } catch (e) {
      throw environmentFailure(e, path.dirname(path.resolve(file))) ?? e;
    }
  }
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(file, { threads: '2', ...duckdbMemorySettings(file), ...(opts.readOnly ? { access_mode: 'READ_ONLY' } : {}) });
  } catch (e) {
    throw openError(file, e);
  }
  const con = await instance.connect();
  let closed = false;
  const store: Store = {
    file,
    con,
    async all<T>(sql: string, params?: Record<string, unknown>) {
      const reader = await con.runAndReadAll(sql, params as never).catch((e: unknown) => withSql(e, sql));
      return reader.getRowObjectsJS().map(normaliseRow) as T[];
    },
    async run(sql: string, params?: Record<string, unknown>) {
      await con.run(sql, params as never).catch((e: unknown) => withSql(e, sql));
    },
    async checkpoint() {
      if (!memory && !opts.readOnly) await con.run('CHECKPOINT');
    },
    close() {
      // Idempotent: a failure path may close a store its caller closes again.
      if (closed) return;
      closed = true;
      con.closeSync();
      instance.closeSync();
    },
  };
  try {
    const kind = await recogniseFile(store);
    if (kind.kind === 'foreign') throw notOurs(file, kind.why);
    if (kind.kind === 'empty' && opts.readOnly) throw notOurs(file, 'it is an empty database');
    if (kind.kind !== 'empty') checkVersion(file, kind.version);
    if (!opts.readOnly && opts.create !== false && (kind.kind !== 'ours' || kind.ddl !== schemaHash())) await inTransaction(store, () => initialise(store));
    if (kind.kind !== 'empty') await settleAbandonedRuns(store, opts.readOnly === true);
  } catch (e) {
    store.close();
    throw e;
  }
  return store;
}

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
async function inTransaction(store: Store, work: () => Promise<void>): Promise<void> {
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
function schemaHash(): string {
  hash ??= createHash('sha256').update(JSON.stringify([SCHEMA_VERSION, DDL, LOAD_DDL, ADDED_COLUMNS, ERROR_KINDS, OUTCOMES])).digest('hex').slice(0, 16);
  return hash;
}

async function initialise(store: Store): Promise<void> {
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

function checkVersion(file: string, version: number): void {
  if (version > SCHEMA_VERSION)
    throw new HarnessError('SCHEMA_NEWER', `${file} was written by a newer routebench (schema ${version}; this one reads ${SCHEMA_VERSION})`, {
      exitCode: ExitCode.environment,
      hint: 'upgrade routebench, or write to another file with --db',
    });
}

function openError(file: string, e: unknown): HarnessError {
  const message = (e as Error).message ?? String(e);
  if (/Could not set lock|Conflicting lock/i.test(message)) {
    const holder = /held in (.+?) \(PID (\d+)\)/.exec(message);
    return environmentError(
      'DB_LOCKED',
      `${file} is locked by another process${holder ? ` (${path.basename(holder[1]!)}, PID ${holder[2]})` : ''}`,
      'another routebench run or a notebook has the results file open; wait for it, close it, or write elsewhere with --db <file>',
      e,
    );
  }
  if (/Permission denied|Read-only file system/i.test(message))
    return environmentError('DB_UNWRITABLE', `cannot open ${file}: permission denied`, 'choose a writable location with --db <file>', e);
  if (/not a valid DuckDB database|file is not a DuckDB/i.test(message))
    return new HarnessError('DB_NOT_DUCKDB', `${file} is not a DuckDB database, so not a routebench results file; it was left untouched`, {
      exitCode: ExitCode.usage,
      hint: 'point --db at a results file written by routebench, or at a new path (routebench creates it)',
      cause: e,
    });
  const storage = environmentFailure(e, file);
  if (storage) return storage;
  return environmentError('DB_OPEN', `cannot open ${file}: ${message.split('\n')[0]}`, 'check the path given with --db', e);
}

/** BIGINT/HUGEINT → number when safe; DuckDB timestamps and decimals → plain values. */
function normaliseRow(row: Record<string, unknown>): Record<string, unknown> {
  for (const k of Object.keys(row)) row[k] = normaliseValue(row[k]);
  return row;
}

function normaliseValue(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (Array.isArray(v)) return v.map(normaliseValue);
  return v;
}

/** Keeps the failing statement on a DuckDB error (ROUTEBENCH_DEBUG=1 prints it with the stack). */
function withSql(e: unknown, sql: string): never {
  if (e instanceof Error) Object.assign(e, { sql });
  throw e;
}
