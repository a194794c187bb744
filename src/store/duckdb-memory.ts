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
 * - Otherwise a file database runs under a soft cap, SOFT_MEMORY_LIMIT: reports aggregate and
 *   spill under it with the same results (the default suite's report phase peaked near 1 GB of RSS
 *   uncapped), and a statement that still runs out of memory under it (an operator DuckDB cannot
 *   spill) lifts the cap back to DuckDB's default for the rest of the process and runs again
 *   (softCap, retryWithoutCap).
 * - DuckDB allocates through its own jemalloc, which keeps freed pages for reuse; a lower flush
 *   threshold and jemalloc's background threads hand them back to the system sooner
 *   (allocator_flush_threshold, allocator_background_threads on the same page).
 */
import { DuckDBPendingResultState, type DuckDBConnection } from '@duckdb/node-api';
import os from 'node:os';
import { isDuckdbOutOfMemory } from '../errors.js';
import path from 'node:path';

/**
 * The buffer pool's cap while rows are appended: a row group being filled and the appender's
 * buffer. 40 MB: a 10M-request stream peaked at 274 MB against 304 MB at 64 MB, at the same rate
 * (~131k req/s), and the AttemptWriter appended as fast (interleaved runs of the write-path bench).
 */
export const WRITE_MEMORY_LIMIT = '40MB';

/**
 * The soft cap of a file database when ROUTEBENCH_DUCKDB_MEMORY names none. 80 MB: the default
 * suite's peak RSS fell ~465 -> ~400-428 MB from 128 MB, and `routebench report` of 1.19M attempt
 * rows ~360-390 -> ~320 MB in the same CPU time, with no statement over the cap; at 64 MB one
 * statement of the suite needs a 32 MB allocation and lifts the cap.
 */
export const SOFT_MEMORY_LIMIT = '80MB';

/**
 * The buffer pool's limit as DuckDB reports it (e.g. `19.1 GiB`), from pragma_database_size():
 * what the pool really holds to, where current_setting('memory_limit') may not be (see
 * capForWriting). Undefined when the value is not a size SET could take back.
 */
async function bufferPoolLimit(con: DuckDBConnection): Promise<string | undefined> {
  const limit = String((await con.runAndReadAll(`SELECT memory_limit AS l FROM pragma_database_size() LIMIT 1`)).getRowObjectsJS()[0]?.l ?? '');
  return /^\d+(\.\d+)? [KMGT]?i?B$/.test(limit) ? limit : undefined;
}

/** A database's soft cap: the limit to go back to when a statement runs out of memory under it. */
export interface SoftCap {
  uncapped: string;
  lifted: boolean;
}

/** Puts a file database under SOFT_MEMORY_LIMIT unless ROUTEBENCH_DUCKDB_MEMORY set a limit; returns how to lift it. */
export async function softCap(con: DuckDBConnection, file: string, env: Record<string, string | undefined> = process.env): Promise<SoftCap | undefined> {
  if (file === ':memory:' || env.ROUTEBENCH_DUCKDB_MEMORY) return undefined;
  const uncapped = await bufferPoolLimit(con);
  if (uncapped === undefined) return undefined;
  await con.run(`SET memory_limit = '${SOFT_MEMORY_LIMIT}'`);
  return { uncapped, lifted: false };
}

/**
 * Runs `op`; when it fails with DuckDB's out-of-memory error under the soft cap, lifts the cap
 * (once, for the whole database) and runs `op` again. A failed statement changed nothing, so
 * running it again is safe.
 */
export async function retryWithoutCap<T>(cap: SoftCap | undefined, con: DuckDBConnection, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (e) {
    if (!cap || cap.lifted || !isDuckdbOutOfMemory(e)) throw e;
    cap.lifted = true;
    await con.run(`SET memory_limit = '${cap.uncapped}'`);
    return op();
  }
}

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
  /** The database's soft cap, when it has one: lifted during the write phase, it stays lifted after. */
  readonly softCap?: SoftCap;
  run(sql: string): Promise<void>;
}

/**
 * Caps a file database at WRITE_MEMORY_LIMIT for the write phase; returns how to lift the cap
 * (back to the limit it had, or to DuckDB's default when a statement lifted the soft cap while
 * rows were written), synchronously, so that no statement after the writer closes runs under it.
 * SET, not RESET: in DuckDB 1.5 `RESET memory_limit` changes what current_setting() shows but
 * leaves the buffer pool at the lower limit (pragma_database_size() shows it).
 * Nothing for an in-memory database (its tables live in the buffer pool) or when
 * ROUTEBENCH_DUCKDB_MEMORY set a limit of its own.
 */
export async function capForWriting(store: Runner, env: Record<string, string | undefined> = process.env): Promise<(() => void) | undefined> {
  if (store.file === ':memory:' || env.ROUTEBENCH_DUCKDB_MEMORY) return undefined;
  const prev = await bufferPoolLimit(store.con);
  if (prev === undefined) return undefined;
  const cap = store.softCap;
  // Under the soft cap, back to its own size: the reported limit is rounded to 0.1 MiB, and
  // setting it back from that text could leave the cap a little below where it was.
  const restore = await store.con.prepare(`SET memory_limit = '${cap && !cap.lifted ? SOFT_MEMORY_LIMIT : prev}'`);
  const lifted = cap && !cap.lifted ? await store.con.prepare(`SET memory_limit = '${cap.uncapped}'`) : undefined;
  await store.run(`SET memory_limit = '${WRITE_MEMORY_LIMIT}'`);
  return () => {
    const pending = (lifted && cap!.lifted ? lifted : restore).start();
    // A SET runs in one task on this thread; the bound only guards against a changed DuckDB.
    for (let i = 0; i < 1000 && pending.runTask() !== DuckDBPendingResultState.RESULT_READY; i++);
    restore.destroySync();
    lifted?.destroySync();
  };
}
