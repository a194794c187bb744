/**
 * How much memory DuckDB may use for the results database.
 *
 * - DuckDB's own default limit (80% of the machine's RAM) unless ROUTEBENCH_DUCKDB_MEMORY names a
 *   cap (any DuckDB size, e.g. 512MB). Under a cap DuckDB spills large aggregates, sorts and joins
 *   to a temporary folder and the results are the same
 *   (https://duckdb.org/docs/stable/configuration/overview: memory_limit, temp_directory).
 * - While attempt rows are written, a file database is capped at WRITE_MEMORY_LIMIT
 *   (capForWriting): DuckDB otherwise keeps every table block it has written in its buffer pool
 *   up to the limit, so a long simulate grew RSS by ~35 MB per million rows. Written blocks are on
 *   disk, so dropping them costs nothing; the limit is restored when the writer closes, so reports
 *   aggregate without spilling.
 * - DuckDB allocates through its own jemalloc, which keeps freed pages for reuse; a lower flush
 *   threshold and jemalloc's background threads hand them back to the system sooner
 *   (allocator_flush_threshold, allocator_background_threads on the same page).
 */
import { DuckDBPendingResultState, type DuckDBConnection } from '@duckdb/node-api';
import os from 'node:os';
import path from 'node:path';

/** The buffer pool's cap while rows are appended: a few row groups and the appender's buffer. */
export const WRITE_MEMORY_LIMIT = '64MB';

export function duckdbMemorySettings(file: string, env: Record<string, string | undefined> = process.env): Record<string, string> {
  const settings: Record<string, string> = { allocator_flush_threshold: '16MB', allocator_background_threads: 'true' };
  const limit = env.ROUTEBENCH_DUCKDB_MEMORY;
  if (!limit) return settings;
  settings.memory_limit = limit;
  // A file database spills next to itself (<file>.tmp); an in-memory one needs a folder named.
  if (file === ':memory:') settings.temp_directory = path.join(os.tmpdir(), 'routebench-duckdb-spill');
  return settings;
}

interface Runner {
  readonly file: string;
  readonly con: DuckDBConnection;
  run(sql: string): Promise<void>;
}

/**
 * Caps a file database at WRITE_MEMORY_LIMIT for the write phase; returns how to lift the cap
 * (back to the limit it had), synchronously, so that no statement after the writer closes runs
 * under it. SET, not RESET: in DuckDB 1.5 `RESET memory_limit` changes what current_setting()
 * shows but leaves the buffer pool at the lower limit (pragma_database_size() shows it).
 * Nothing for an in-memory database (its tables live in the buffer pool) or when
 * ROUTEBENCH_DUCKDB_MEMORY set a limit of its own.
 */
export async function capForWriting(store: Runner, env: Record<string, string | undefined> = process.env): Promise<(() => void) | undefined> {
  if (store.file === ':memory:' || env.ROUTEBENCH_DUCKDB_MEMORY) return undefined;
  const prev = String((await store.con.runAndReadAll(`SELECT memory_limit AS l FROM pragma_database_size() LIMIT 1`)).getRowObjectsJS()[0]?.l ?? '');
  if (!/^\d+(\.\d+)? [KMGT]?i?B$/.test(prev)) return undefined;
  const restore = await store.con.prepare(`SET memory_limit = '${prev}'`);
  await store.run(`SET memory_limit = '${WRITE_MEMORY_LIMIT}'`);
  return () => {
    const pending = restore.start();
    // A SET runs in one task on this thread; the bound only guards against a changed DuckDB.
    for (let i = 0; i < 1000 && pending.runTask() !== DuckDBPendingResultState.RESULT_READY; i++);
    restore.destroySync();
  };
}
