/**
 * How much memory DuckDB may use for the results database: DuckDB's own default (80% of the
 * machine's RAM) unless ROUTEBENCH_DUCKDB_MEMORY names a cap (any DuckDB size, e.g. 512MB). Under
 * a cap DuckDB spills large aggregates, sorts and joins to a temporary folder and the results are
 * the same (https://duckdb.org/docs/stable/configuration/overview: memory_limit, temp_directory);
 * measured here, a 256MB cap made the default suite's reports about 3x slower, so routebench
 * keeps its memory down by aggregating one run at a time instead (report-queries.ts).
 */
import os from 'node:os';
import path from 'node:path';

export function duckdbMemorySettings(file: string, env: Record<string, string | undefined> = process.env): Record<string, string> {
  const limit = env.ROUTEBENCH_DUCKDB_MEMORY;
  if (!limit) return {};
  const settings: Record<string, string> = { memory_limit: limit };
  // A file database spills next to itself (<file>.tmp); an in-memory one needs a folder named.
  if (file === ':memory:') settings.temp_directory = path.join(os.tmpdir(), 'routebench-duckdb-spill');
  return settings;
}
