/** Small helpers every bench case shares: statistics over runs, fresh database files, GC, load average. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
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

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) newest = Math.max(newest, statSync(path.join(e.parentPath, e.name)).mtimeMs);
  return newest;
}

/** Builds dist/ (`npm run build`) unless the CLI bundle is newer than every source file: cases that measure what users run. */
export function ensureBuilt(root: string): void {
  const bundle = path.join(root, 'dist', 'cli', 'routebench-cli.js');
  if (existsSync(bundle) && statSync(bundle).mtimeMs > newestMtime(path.join(root, 'src'))) return;
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8', shell: process.platform === 'win32', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`npm run build failed: ${r.stderr.slice(-2000)}`);
}
