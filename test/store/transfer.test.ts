import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportHandler } from '../../src/cli/commands/export.js';
import { mergeHandler } from '../../src/cli/commands/merge.js';
import { memoryIo } from '../../src/cli/io.js';
import { reportError } from '../../src/cli/report-error.js';
import { HarnessError } from '../../src/errors.js';
import { SCHEMA_VERSION } from '../../src/store/ddl.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { summary } from '../../src/store/queries.js';
import { runTables } from '../../src/store/parquet-export.js';
import { exportRuns, importRuns, mergeSources, openSource } from '../../src/store/transfer-runs.js';
import { attemptHash, runYaml, twoTargetYaml } from '../helpers/run-yaml.js';
import { expectSameSummaries } from '../helpers/same-summary.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-transfer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const yaml = (seed: number) =>
  twoTargetYaml({
    seed,
    count: 1200,
    a: '{ profile: flaky }',
    incidents: '[{ name: cut, kind: outage, targets: [a], start: 10s, duration: 10s }]',
    strategies: `  single: { use: single, options: { target: a } }
  fallback: { use: fallback, options: { targets: [a, b] } }
  retry: { use: retry, options: { inner: { use: single, options: { target: a } } } }`,
  });

const dbFile = path.join(dir, 'results.duckdb');
const exportG1 = path.join(dir, 'export-g1');
const exportG2 = path.join(dir, 'export-g2');

/** run_id → attempt hash of every run in a store. */
async function hashesById(store: Store): Promise<Record<string, string>> {
  const runs = await store.all<{ run_no: number; run_id: string }>('SELECT run_no, run_id FROM runs ORDER BY run_no');
  const out: Record<string, string> = {};
  for (const r of runs) out[r.run_id] = await attemptHash(store, r.run_no);
  return out;
}

const allRunNos = async (store: Store) => (await store.all<{ run_no: number }>('SELECT run_no FROM runs ORDER BY run_no')).map((r) => r.run_no);
const caught = async (p: Promise<unknown>) => (await p.then(() => undefined, (e: unknown) => e)) as HarnessError;

let original: Record<string, string>;

beforeAll(async () => {
  const store = await openStore(dbFile);
  await runYaml(yaml(1), { store, runGroup: 'g1' });
  await runYaml(yaml(2), { store, runGroup: 'g2' });
  original = await hashesById(store);
  store.close();
  await exportFrom(dbFile, exportG1, { runGroup: 'g1' });
  await exportFrom(dbFile, exportG2, { runGroup: 'g2' });
});

describe('Parquet export', () => {
  it('writes one Parquet file per table and meta.json, without wall-clock time', async () => {
    const source = await openSource(dbFile);
    const out = path.join(dir, 'export-all');
    const result = await exportRuns(source, out, {});
    const [{ n }] = await source.all<{ n: number }>('SELECT count(*)::INTEGER AS n FROM attempts');
    source.close();
    expect(result.runs).toBe(6);
    expect(result.attemptRows).toBe(n);
    const names = result.files.map((f) => path.basename(f));
    expect(names.slice(0, 7)).toEqual(['runs', 'targets', 'reasons', 'tagsets', 'routes', 'incidents', 'attempts'].map((t) => `${t}.parquet`));
    expect(names.at(-1)).toBe('meta.json');
    for (const f of result.files) expect(existsSync(f)).toBe(true);
    const meta = JSON.parse(readFileSync(path.join(out, 'meta.json'), 'utf8')) as Record<string, unknown>;
    expect(meta).toMatchObject({ schema_version: SCHEMA_VERSION, runs: 6, attempt_rows: n });
    expect(meta.run_ids).toEqual(Object.keys(original));
    expect(JSON.stringify(meta)).not.toMatch(/exported_at|20\d\d-\d\d-\d\dT/);
  });

  it('an exported run group opened as a source gives identical summaries and attempt hashes', async () => {
    const file = await openSource(dbFile);
    const parquet = await openSource(exportG1);
    try {
      const g1 = (await file.all<{ run_no: number }>(`SELECT run_no FROM runs WHERE run_group = 'g1' ORDER BY run_no`)).map((r) => r.run_no);
      expect(g1).toHaveLength(3);
      expect(await allRunNos(parquet)).toEqual(g1);
      expectSameSummaries(await summary(parquet, g1), await summary(file, g1));
      for (const runNo of g1) expect(await attemptHash(parquet, runNo)).toBe(await attemptHash(file, runNo));
      const [log] = await parquet.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM attempt_log WHERE incident = 'cut'`);
      expect(log!.n).toBeGreaterThan(0);
      expect(parquet.file).toBe(exportG1);
    } finally {
      file.close();
      parquet.close();
    }
  });

  it('an unknown run group is an input error (exit 2) naming the nearest', async () => {
    const io = memoryIo();
    const code = await exportHandler({ parquet: path.join(dir, 'nope'), db: dbFile, 'run-group': 'g3' }, io).catch((e: unknown) => reportError(e, io));
    expect(code).toBe(2);
    expect(io.stderr).toContain('unknown run group "g3"; did you mean "g1"?');
    expect(existsSync(path.join(dir, 'nope'))).toBe(false);
    const source = await openSource(dbFile);
    const [{ run_id: fallbackId }] = await source.all<{ run_id: string }>(`SELECT run_id FROM runs WHERE strategy = 'fallback' ORDER BY run_no LIMIT 1`);
    const typo = fallbackId!.replace('fallback', 'fallbak');
    const err = await caught(exportRuns(source, path.join(dir, 'nope'), { runIds: [fallbackId!, typo] }));
    source.close();
    expect(err.code).toBe('RUNS_NOT_FOUND');
    expect(err.problems.map((p) => p.message)).toEqual([expect.stringContaining(`unknown run id "${typo}"; did you mean "${fallbackId}"?`)]);
  });

  it('a newer schema_version in meta.json is refused with exit 4 (SCHEMA_NEWER)', async () => {
    const copy = path.join(dir, 'newer');
    await exportFrom(dbFile, copy, { runGroup: 'g1' });
    const metaFile = path.join(copy, 'meta.json');
    writeFileSync(metaFile, readFileSync(metaFile, 'utf8').replace(/"schema_version": \d+/, `"schema_version": ${SCHEMA_VERSION + 1}`));
    const err = await caught(openSource(copy));
    expect(err).toBeInstanceOf(HarnessError);
    expect(err.code).toBe('SCHEMA_NEWER');
    expect(err.exitCode).toBe(4);
    expect(err.hint).toMatch(/upgrade routebench/);
  });

  it('a folder without meta.json or with a missing table is an input error naming what is missing', async () => {
    const empty = mkdtempSync(path.join(dir, 'empty-'));
    const noMeta = await caught(openSource(empty));
    expect([noMeta.code, noMeta.exitCode]).toEqual(['EXPORT_INCOMPLETE', 2]);
    expect(noMeta.problems[0]!.file).toBe(path.join(empty, 'meta.json'));
    const partial = path.join(dir, 'partial');
    await exportFrom(dbFile, partial, { runGroup: 'g2' });
    rmSync(path.join(partial, 'attempts.parquet'));
    rmSync(path.join(partial, 'routes.parquet'));
    const missing = await caught(openSource(partial));
    expect([missing.code, missing.exitCode]).toEqual(['EXPORT_INCOMPLETE', 2]);
    expect(missing.problems.map((p) => path.basename(p.file!))).toEqual(['routes.parquet', 'attempts.parquet']);
    const nowhere = await caught(openSource(path.join(dir, 'does-not-exist')));
    expect([nowhere.code, nowhere.exitCode]).toEqual(['SOURCE_MISSING', 2]);
    const text = path.join(dir, 'notes.txt');
    writeFileSync(text, 'not a database\n'.repeat(500));
    const notDuck = await caught(openSource(text));
    expect([notDuck.code, notDuck.exitCode]).toEqual(['SOURCE_INVALID', 2]);
  });

  it("refuses to replace files that no export wrote (exit 2, bytes unchanged); an earlier export's are replaced", async () => {
    const theirs = mkdtempSync(path.join(dir, 'theirs-'));
    writeFileSync(path.join(theirs, 'runs.parquet'), 'my own runs\n');
    writeFileSync(path.join(theirs, 'meta.json'), '{"mine": true}\n');
    const refused = await caught(exportFrom(dbFile, theirs, { runGroup: 'g1' }));
    expect([refused.code, refused.exitCode]).toEqual(['EXPORT_NOT_OURS', 2]);
    expect(refused.message).toContain('(runs.parquet, meta.json)');
    expect([readFileSync(path.join(theirs, 'runs.parquet'), 'utf8'), readFileSync(path.join(theirs, 'meta.json'), 'utf8')]).toEqual(['my own runs\n', '{"mine": true}\n']);
    const again = path.join(dir, 'again');
    await exportFrom(dbFile, again, { runGroup: 'g1' });
    await exportFrom(dbFile, again, { runGroup: 'g2' });
    const meta = JSON.parse(readFileSync(path.join(again, 'meta.json'), 'utf8')) as { run_ids: string[] };
    const g2 = JSON.parse(readFileSync(path.join(exportG2, 'meta.json'), 'utf8')) as { run_ids: string[] };
    expect(meta.run_ids).toEqual(g2.run_ids);
  });
});

/** Opens a source, exports from it and closes it. */
async function exportFrom(file: string, out: string, select: Parameters<typeof exportRuns>[2]) {
  const source = await openSource(file);
  try {
    return await exportRuns(source, out, select);
  } finally {
    source.close();
  }
}

describe('merge', () => {
  it('merges two exports into one file with fresh run numbers, keeping ids, groups and every row', async () => {
    const target = path.join(dir, 'merged.duckdb');
    const results = await mergeSources(target, [exportG2, exportG1]);
    expect(results.map((r) => [r.source, r.imported, r.skipped.length])).toEqual([[exportG2, 3, 0], [exportG1, 3, 0]]);
    const merged = await openSource(target);
    try {
      expect(await allRunNos(merged)).toEqual([1, 2, 3, 4, 5, 6]);
      const groups = await merged.all<{ run_group: string; n: number }>('SELECT run_group, count(*)::INTEGER AS n FROM runs GROUP BY ALL ORDER BY min(run_no)');
      expect(groups).toEqual([{ run_group: 'g2', n: 3 }, { run_group: 'g1', n: 3 }]);
      expect(await hashesById(merged)).toEqual(original);
      const source = await openSource(dbFile);
      for (const table of await runTables(source)) {
        const count = async (s: Store) => (await s.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${table}`))[0]!.n;
        expect(await count(merged), table).toBe(await count(source));
      }
      source.close();
    } finally {
      merged.close();
    }
  });

  it('merging the same export again (or twice in one call) skips the duplicates', async () => {
    const target = path.join(dir, 'twice.duckdb');
    const first = await mergeSources(target, [exportG1, exportG1]);
    expect(first.map((r) => [r.imported, r.skipped.length])).toEqual([[3, 0], [0, 3]]);
    const io = memoryIo();
    expect(await mergeHandler({ sources: [exportG1, dbFile], db: target }, io)).toBe(0);
    expect(io.stdout).toContain(`${exportG1}: imported 0 runs, skipped 3 runs already in ${target}`);
    expect(io.stdout).toContain(`${dbFile}: imported 3 runs, skipped 3 runs already in ${target}`);
    expect(io.stdout).toMatch(/results: .*twice\.duckdb \(3 runs imported from 2 sources\)/);
    const merged = await openSource(target);
    const [{ n }] = await merged.all<{ n: number }>('SELECT count(*)::INTEGER AS n FROM attempts');
    expect(await hashesById(merged)).toEqual(original);
    merged.close();
    const source = await openSource(dbFile);
    const [{ m }] = await source.all<{ m: number }>('SELECT count(*)::INTEGER AS m FROM attempts');
    source.close();
    expect(n).toBe(m);
  });

  it('a different run under an existing run id is refused before anything is written', async () => {
    const other = await runYaml(yaml(1), { runGroup: 'g1', seed: 7 });
    const target = await openStore(path.join(dir, 'clash.duckdb'));
    const g1 = await openSource(exportG1);
    try {
      expect((await importRuns(target, g1)).imported).toBe(3);
      const err = await caught(importRuns(target, other.store));
      expect([err.code, err.exitCode]).toEqual(['RUN_ID_CLASH', 2]);
      expect(err.problems).toHaveLength(3);
      expect(await allRunNos(target)).toEqual([1, 2, 3]);
    } finally {
      target.close();
      g1.close();
      other.store.close();
    }
  });
});
