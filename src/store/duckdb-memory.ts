/**
 * How much memory DuckDB may use for the results database. DuckDB's default is 80% of the
 * machine's RAM, and it keeps what it has touched: a report over a million attempt rows grew the
 * process by ~600 MB (the `requests` GROUP BY), all of it DuckDB's buffer pool. A cap makes DuckDB
 * spill large aggregates, sorts and joins to a temporary folder instead
 * (https://duckdb.org/docs/stable/configuration/overview: memory_limit, temp_directory); the
 * results are the same. ROUTEBENCH_DUCKDB_MEMORY overrides the cap (any DuckDB size, e.g. 2GB).
 */
import os from 'node:os';
import path from 'node:path';

export const DEFAULT_DUCKDB_MEMORY = '256MB';

export function duckdbMemorySettings(file: string, env: Record<string, string | undefined> = process.env): Record<string, string> {
  const settings: Record<string, string> = { memory_limit: env.ROUTEBENCH_DUCKDB_MEMORY || DEFAULT_DUCKDB_MEMORY };
  // A file database spills next to itself (<file>.tmp); an in-memory one needs a folder named.
  if (file === ':memory:') settings.temp_directory = path.join(os.tmpdir(), 'routebench-duckdb-spill');
  return settings;
}
