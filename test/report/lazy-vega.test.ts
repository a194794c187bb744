/**
 * A run whose charts are drawn in chart workers must not load vega, vega-lite or resvg on the main
 * thread: loading them costs ~30 MB of RSS and ~0.35 s of CPU there, for nothing (the workers load
 * their own). A single report draws its charts on the main thread. With --workers 1 the charts are drawn on the main thread, which then loads them: the
 * same hook seeing them there shows it would see them in the pooled run too.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'rb-lazy-vega-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs 300 requests of two scenarios from the sources (two reports: with workers, a chart pool draws them) with `workers`; the packages the main thread resolved, and the SVGs written. */
function run(workers: number): { packages: Set<string>; svgs: number } {
  const tag = `w${workers}`;
  const log = path.join(dir, `${tag}.imports`);
  const out = path.join(dir, `${tag}-out`);
  const r = spawnSync(
    process.execPath,
    ['--import', path.join(root, 'test/helpers/import-log-register.mjs'), '--import', 'tsx', path.join(root, 'test/helpers/cli-entry.ts'), 'run', path.join(root, 'scenarios/quickstart.yaml'), path.join(root, 'scenarios/rate-limit-storm.yaml'), '--limit', '300', '--db', path.join(dir, `${tag}.duckdb`), '--out', out, '--quiet', '--workers', String(workers)],
    { cwd: root, encoding: 'utf8', env: { ...process.env, RB_IMPORT_LOG: log }, timeout: 180_000 },
  );
  expect(r.status, r.stderr).toBe(0);
  const packages = new Set(readFileSync(log, 'utf8').split('\n').flatMap((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1] ?? []));
  const reportDir = path.join(out, 'quickstart');
  const group = readdirSync(reportDir).find((d) => d !== 'latest' && !d.endsWith('.txt'))!;
  const charts = path.join(reportDir, group, 'charts');
  const svgs = existsSync(charts) ? readdirSync(charts).filter((f) => f.endsWith('.svg')).length : 0;
  return { packages, svgs };
}

it('draws every chart without loading vega, vega-lite or resvg on the main thread when chart workers draw them', () => {
  const pooled = run(2);
  expect(pooled.svgs).toBeGreaterThan(0);
  for (const p of ['vega', 'vega-lite', '@resvg/resvg-js']) expect(pooled.packages.has(p), p).toBe(false);
  // the hook does see the main thread's imports: DuckDB's is one of them
  expect(pooled.packages.has('@duckdb/node-api')).toBe(true);

  const inline = run(1);
  expect(inline.svgs).toBe(pooled.svgs);
  for (const p of ['vega', 'vega-lite']) expect(inline.packages.has(p), p).toBe(true);
}, 360_000);
