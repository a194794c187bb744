/** Small helpers every bench case shares: statistics over runs, fresh database files, GC, load average. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

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

/** `node <args>`, under `taskset -c <cpu>` when `cpu` is given: [command, its arguments]. */
export function nodeCommand(args: string[], cpu?: number): [string, string[]] {
  return cpu === undefined ? [process.execPath, args] : ['taskset', ['-c', String(cpu), process.execPath, ...args]];
}

/**
 * Runs `node <args>` in `cwd` to its end (killed after `timeoutMs`) and returns the JSON of its last
 * line of output; `what` names it in the error when it fails.
 */
export function nodeJson<T>(args: string[], o: { cwd: string; timeoutMs: number; what: string; cpu?: number }): T {
  const [cmd, a] = nodeCommand(args, o.cpu);
  const r = spawnSync(cmd, a, { cwd: o.cwd, encoding: 'utf8', timeout: o.timeoutMs, maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${o.what} failed (${r.status ?? r.signal}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
}

/**
 * A plain-JavaScript module for a child process (no TypeScript loader: it runs as an installed
 * routebench would), written to `<dir>/<name>.mjs`; returns its path.
 */
export function scriptFile(dir: string, name: string, text: string): string {
  const file = path.join(dir, `${name}.mjs`);
  writeFileSync(file, text);
  return file;
}

/** The repository root as a file: URL ending in a separator, for a script that imports `dist/` from it. */
export const rootUrl = (root: string) => pathToFileURL(`${root}${path.sep}`).href;
