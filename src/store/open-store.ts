/**
 * Opens the results database (an embedded DuckDB file, or ':memory:' for tests), creates the
 * schema, and refuses a file from a newer schema. A file locked by another process becomes a
 * clear environment error (exit 4) naming the fix, never a stack trace.
 *
 * A file is read before anything is written to it (recognise-file.ts): someone else's database
 * is refused untouched (exit 2); schema changes run in one transaction and only when the file's
 * recorded DDL differs from this routebench's, so opening an up-to-date file writes nothing.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { environmentError, environmentFailure, HarnessError, ExitCode, inputError } from '../errors.js';
import { SCHEMA_VERSION } from './ddl.js';
import { initialise, inTransaction, schemaHash } from './schema-init.js';
import { notOurs, recogniseFile } from './recognise-file.js';
import { settleAbandonedRuns } from './abandoned-runs.js';
import { duckdbMemorySettings, retryWithoutCap, softCap, type SoftCap } from './duckdb-memory.js';
import { makeFolders } from '../make-folders.js';

export interface Store {
  readonly file: string;
  readonly con: DuckDBConnection;
  /** The soft memory cap it opened under (duckdb-memory.ts), shared by its connections; undefined when none. */
  readonly softCap?: SoftCap;
  /** Rows of a query as plain JSON-safe objects (BIGINT → number where safe). */
  all<T = Record<string, unknown>>(sql: string, params?: Record<string, unknown>): Promise<T[]>;
  run(sql: string, params?: Record<string, unknown>): Promise<void>;
  checkpoint(): Promise<void>;
  /**
   * Another connection to the same database (its own temp tables, queries run concurrently with
   * this one's); closing it closes only that connection. For rendering reports side by side.
   */
  connect(): Promise<Store>;
  close(): void;
}

export interface OpenOptions {
  readOnly?: boolean;
  /** Create the schema if missing (default true for writable stores). */
  create?: boolean;
  /**
   * Ignore ROUTEBENCH_DUCKDB_MEMORY: for the one bookkeeping update after DuckDB ran out of memory
   * under it (marking this process's runs `error`), which would fail under the same limit.
   */
  uncapped?: boolean;
}

export async function openStore(file: string, opts: OpenOptions = {}): Promise<Store> {
  const memory = file === ':memory:';
  // Said plainly (exit 2) rather than as DuckDB's "IO Error: Could not read from file …: Is a directory" (exit 4).
  if (!memory && existsSync(file) && statSync(file).isDirectory())
    throw inputError('DB_IS_FOLDER', `--db ${file} is a folder; it names a results file`, [], `give a file path, e.g. --db ${path.join(file, 'routebench.duckdb')}`);
  if (!memory && opts.readOnly && !existsSync(file))
    throw inputError('DB_MISSING', `no results file at ${file}`, [], 'run `routebench run` first (it creates the file), or point --db at an existing results file');
  if (!memory && !opts.readOnly) {
    try {
      makeFolders(path.dirname(path.resolve(file)), '--db');
    } catch (e) {
      throw environmentFailure(e, path.dirname(path.resolve(file))) ?? e;
    }
  }
  const env = opts.uncapped ? { ...process.env, ROUTEBENCH_DUCKDB_MEMORY: undefined } : process.env;
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(file, { threads: '2', ...duckdbMemorySettings(file, env), ...(opts.readOnly ? { access_mode: 'READ_ONLY' } : {}) });
  } catch (e) {
    throw openError(file, e);
  }
  const first = await instance.connect();
  let cap: SoftCap | undefined;
  try {
    cap = await softCap(first, file, env);
  } catch (e) {
    first.closeSync();
    instance.closeSync();
    throw openError(file, e);
  }
  const store = storeOver(file, first, instance, memory || opts.readOnly === true, cap);
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

/** A Store over one connection; `instance` is closed with it when given (the first connection's store). */
function storeOver(file: string, con: DuckDBConnection, instance: DuckDBInstance | null, noCheckpoint: boolean, cap: SoftCap | undefined): Store {
  let closed = false;
  return {
    file,
    con,
    softCap: cap,
    async all<T>(sql: string, params?: Record<string, unknown>) {
      const reader = await retryWithoutCap(cap, con, () => con.runAndReadAll(sql, params as never)).catch((e: unknown) => withSql(e, sql));
      return reader.getRowObjectsJS().map(normaliseRow) as T[];
    },
    async run(sql: string, params?: Record<string, unknown>) {
      await retryWithoutCap(cap, con, () => con.run(sql, params as never)).catch((e: unknown) => withSql(e, sql));
    },
    async checkpoint() {
      if (!noCheckpoint) await con.run('CHECKPOINT');
    },
    async connect() {
      if (closed || !instance) throw new Error('connect() needs the open store that opened the database');
      return storeOver(file, await instance.connect(), null, noCheckpoint, cap);
    },
    close() {
      // Idempotent: a failure path may close a store its caller closes again.
      if (closed) return;
      closed = true;
      con.closeSync();
      instance?.closeSync();
    },
  };
}
