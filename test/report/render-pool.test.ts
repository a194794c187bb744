/**
 * Reports rendered side by side (report/render-pool.ts: a DuckDB connection per report, chart
 * images drawn in worker threads) write the same bytes as reports rendered one after another on
 * the main thread: every file of both scenario reports is hashed and compared.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/open-store.js';
import { writeReport, type ReportRequest } from '../../src/report/write-report.js';
import { reportPool } from '../../src/report/render-pool.js';
import { pngFonts } from '../../src/report/png-fonts.js';
import { runYaml, twoTargetYaml } from '../helpers/run-yaml.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-render-pool-'));
let store: Store;
const requests: ReportRequest[] = [];

const STRATEGIES = `  single: { use: single, options: { target: a } }\n  fallback: { use: fallback, options: { targets: [a, b] } }`;

beforeAll(async () => {
  store = await openStore(path.join(dir, 'r.duckdb'));
  for (const [name, a] of [['first', '{ profile: flaky }'], ['second', '{ profile: typical }']] as const) {
    const yaml = twoTargetYaml({ count: 1200, a, strategies: STRATEGIES, incidents: '[{ kind: outage, targets: [a], start: 20s, duration: 10s }]' }).replace('name: t\n', `name: ${name}\n`);
    const { result } = await runYaml(yaml, { store });
    requests.push({ ...result, traffic: result.trafficDescription, dbFile: 'r.duckdb', harnessVersion: 'test' });
  }
}, 120_000);
afterAll(() => {
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** relative path → sha256 of every file below `root`. */
function hashes(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.set(path.relative(root, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(root);
  return out;
}

describe('reports rendered in parallel', () => {
  it('write byte-identical files to a sequential render on the main thread', async () => {
    const seqDir = path.join(dir, 'sequential');
    const seq = [];
    for (const req of requests) seq.push(await writeReport(store, req, seqDir, { resamples: 200, png: true }));

    const parDir = path.join(dir, 'parallel');
    const threads = async () => (await store.all<{ t: string }>(`SELECT current_setting('threads')::VARCHAR AS t`))[0]!.t;
    const before = await threads();
    const pool = reportPool(store, parDir, 2);
    const par = await Promise.all(requests.map((req) => pool.submit(req, { resamples: 200, png: true })));
    // reports side by side run one DuckDB thread per query; the database's setting is restored on close
    expect(await threads()).toBe('1');
    await pool.close();
    expect(await threads()).toBe(before);

    // the same files, in the same order per report
    expect(par.map((w) => w.files)).toEqual(seq.map((w) => w.files));
    const [a, b] = [hashes(seqDir), hashes(parDir)];
    expect([...a.keys()].filter((k) => k.endsWith('.svg')).length).toBeGreaterThanOrEqual(10);
    if (pngFonts().length > 0) expect([...a.keys()].filter((k) => k.endsWith('.png')).length).toBe([...a.keys()].filter((k) => k.endsWith('.svg')).length);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [k, h] of a) expect(b.get(k), k).toBe(h);
    // the reports differ from each other (two scenarios, not one report twice)
    expect(a.get(path.join('first', seq[0]!.dir.split(path.sep).pop()!, 'summary.md'))).not.toBe(a.get(path.join('second', seq[1]!.dir.split(path.sep).pop()!, 'summary.md')));
  }, 180_000);

  it('a failing report rejects its own promise; the pool still closes', async () => {
    const pool = reportPool(store, path.join(dir, 'failing'), 2);
    const bad = pool.submit({ ...requests[0]!, runs: [{ ...requests[0]!.runs[0]!, runNo: -999 }] }, { resamples: 200 });
    const good = pool.submit(requests[1]!, { resamples: 200 });
    await expect(bad).rejects.toThrow();
    await expect(good).resolves.toMatchObject({ json: { scenario: 'second' } });
    // PNGs only when asked for (png: true); SVGs by default
    const files = [...hashes((await good).dir).keys()];
    expect(files.filter((f) => f.endsWith('.svg')).length).toBeGreaterThanOrEqual(5);
    expect(files.filter((f) => f.endsWith('.png'))).toEqual([]);
    await pool.close();
  }, 180_000);
});
