/** Small helpers every bench case shares: statistics over runs, fresh database files, GC, load average. */
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const range = (xs: number[]) => [Math.min(...xs), Math.max(...xs)];
export const round = (x: number, d = 0) => Math.round(x * 10 ** d) / 10 ** d;
/** Median and [min, max] of the runs, rounded to `d` decimals. */
export const stat = (xs: number[], d = 0) => ({ median: round(median(xs), d), range: range(xs).map((x) => round(x, d)) });
export const loadAverage = () => os.loadavg().map((x) => round(x, 2));
export const gc = () => (globalThis as { gc?: () => void }).gc?.();

/** A path in `dir` for a DuckDB file, with any earlier file (and its WAL) removed. */
export function freshDb(dir: string, name: string): string {
  const f = path.join(dir, `${name}.duckdb`);
  rmSync(f, { force: true });
  rmSync(`${f}.wal`, { force: true });
  return f;
}
