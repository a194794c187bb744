/**
 * A results file is never altered when it is not routebench's, never half-merged, and never shows
 * a run as in progress when the process writing it is gone.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { HarnessError } from '../../src/errors.js';
import { openStore } from '../../src/store/open-store.js';
import { mergeSources } from '../../src/store/transfer-runs.js';
import { importTrace } from '../../src/traffic/import-trace.js';
import { runYaml } from '../helpers/run-yaml.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-safety-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a DuckDB file with `sql` through DuckDB itself (not routebench). */
async function duckdbFile(name: string, sql: string): Promise<string> {
  const file = path.join(dir, name);
  const inst = await DuckDBInstance.create(file);
  const con = await inst.connect();
  await con.run(sql);
  con.closeSync();
  inst.closeSync();
  return file;
}

/** Bytes and mtime: "untouched" means both are as before. */
const fingerprint = (file: string) => ({ bytes: readFileSync(file).toString('base64'), mtime: statSync(file).mtimeMs, wal: existsSync(`${file}.wal`) });

async function refusal(p: Promise<unknown>): Promise<HarnessError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(HarnessError);
  return e as HarnessError;
}

const SCENARIO = `name: safe
traffic: { synthetic: { arrival: { process: constant, rate_per_s: 10 }, count: 30 } }
targets: { a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } } }
strategies: { single: { use: single, options: { target: a } } }
`;

/** A results file with one finished run, written by routebench. */
async function resultsFile(name: string): Promise<string> {
  const file = path.join(dir, name);
  const store = await openStore(file);
  await runYaml(SCENARIO, { store });
  await store.checkpoint();
  store.close();
  return file;
}

describe("someone else's DuckDB file", () => {
  const foreign: [string, string][] = [
    ['a runs table of another shape', 'CREATE TABLE runs (id INTEGER, name VARCHAR); INSERT INTO runs VALUES (1, $$x$$)'],
    ['tables but no runs table', 'CREATE TABLE orders (id INTEGER); CREATE TABLE customers (id INTEGER)'],
    ["routebench's runs columns but a foreign attempts table", `CREATE TABLE runs (run_no INTEGER, run_id VARCHAR, run_group VARCHAR, scenario VARCHAR, scenario_hash VARCHAR,
      strategy VARCHAR, strategy_use VARCHAR, mode VARCHAR, transport VARCHAR, seed BIGINT, status VARCHAR); CREATE TABLE attempts (x INTEGER)`],
    ['a routebench_meta table that says something else', `CREATE TABLE routebench_meta (key VARCHAR, value VARCHAR); INSERT INTO routebench_meta VALUES ('format', 'mine')`],
    ['only a sequence', 'CREATE SEQUENCE s'],
  ];
  it.each(foreign)('with %s is refused for writing and for reading (exit 2), bytes and mtime unchanged', async (_what, sql) => {
    const file = await duckdbFile(`foreign-${Math.random().toString(36).slice(2)}.duckdb`, sql);
    const before = fingerprint(file);
    for (const readOnly of [false, true]) {
      const e = await refusal(openStore(file, { readOnly }));
      expect([e.code, e.exitCode]).toEqual(['NOT_ROUTEBENCH', 2]);
      expect(e.message).toContain(`${file} is not a routebench results file`);
      expect(e.message).toContain('left untouched');
      expect(e.hint).toMatch(/--db/);
    }
    expect(fingerprint(file)).toEqual(before);
  });

  it('a file that is not DuckDB at all is refused (exit 2) and untouched', async () => {
    const file = path.join(dir, 'notes.duckdb');
    writeFileSync(file, 'just text\n'.repeat(400));
    const before = fingerprint(file);
    const e = await refusal(openStore(file));
    expect([e.code, e.exitCode]).toEqual(['DB_NOT_DUCKDB', 2]);
    expect(fingerprint(file)).toEqual(before);
  });

  it('a missing file opened for reading is "no results file" (exit 2), not "permission denied"', async () => {
    const e = await refusal(openStore(path.join(dir, 'missing.duckdb'), { readOnly: true }));
    expect([e.code, e.exitCode]).toEqual(['DB_MISSING', 2]);
    expect(e.message).toBe(`no results file at ${path.join(dir, 'missing.duckdb')}`);
    expect(existsSync(path.join(dir, 'missing.duckdb'))).toBe(false);
  });
});

describe('routebench results files', () => {
  it('carry the marker; reopening an up-to-date file for writing writes nothing', async () => {
    const file = await resultsFile('marked.duckdb');
    const store = await openStore(file, { readOnly: true });
    const marker = await store.all<{ key: string; value: string }>('SELECT key, value FROM routebench_meta ORDER BY key');
    store.close();
    expect(marker.filter((m) => m.key !== 'ddl')).toEqual([
      { key: 'format', value: 'routebench results' },
      { key: 'format_version', value: '1' },
    ]);
    const before = fingerprint(file);
    (await openStore(file)).close();
    expect(fingerprint(file)).toEqual(before);
  });

  it('an empty DuckDB file becomes a results file', async () => {
    const file = await duckdbFile('empty.duckdb', 'SELECT 1');
    const store = await openStore(file);
    expect(await store.all('SELECT value FROM routebench_meta WHERE key = $k', { k: 'format' })).toEqual([{ value: 'routebench results' }]);
    store.close();
  });

  it('a file from before the marker (runs and attempts shaped like ours) is recognised, migrated and marked', async () => {
    const file = await resultsFile('legacy.duckdb');
    const inst = await DuckDBInstance.create(file);
    const con = await inst.connect();
    await con.run('DROP TABLE routebench_meta; ALTER TABLE runs DROP COLUMN owner_pid; ALTER TABLE runs DROP COLUMN owner_host; ALTER TABLE runs DROP COLUMN owner_start');
    con.closeSync();
    inst.closeSync();
    const reader = await openStore(file, { readOnly: true });
    expect(await reader.all('SELECT status FROM runs')).toEqual([{ status: 'ok' }]);
    reader.close();
    const store = await openStore(file);
    const cols = await store.all<{ c: string }>(`SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'runs' AND column_name LIKE 'owner_%' ORDER BY 1`);
    expect(cols.map((c) => c.c)).toEqual(['owner_host', 'owner_pid', 'owner_start']);
    expect(await store.all('SELECT count(*)::INTEGER AS n FROM routebench_meta')).toEqual([{ n: 3 }]);
    store.close();
  });
});

describe('merge', () => {
  it('a good source then a foreign one commits nothing: an existing target keeps its bytes, a new target is not left behind', async () => {
    const good = await resultsFile('good.duckdb');
    const bad = await duckdbFile('bad.duckdb', 'CREATE TABLE runs (id INTEGER)');
    const target = await resultsFile('target.duckdb');
    const before = fingerprint(target);
    const e = await refusal(mergeSources(target, [good, bad]));
    expect([e.code, e.exitCode]).toEqual(['NOT_ROUTEBENCH', 2]);
    expect(fingerprint(target)).toEqual(before);
    const store = await openStore(target, { readOnly: true });
    expect(await store.all('SELECT count(*)::INTEGER AS n FROM runs')).toEqual([{ n: 1 }]);
    store.close();

    const fresh = path.join(dir, 'fresh-target.duckdb');
    await refusal(mergeSources(fresh, [good, bad]));
    expect(existsSync(fresh)).toBe(false);
    expect(existsSync(`${fresh}.wal`)).toBe(false);
    // and the good source alone merges
    expect((await mergeSources(fresh, [good]))[0]!.imported).toBe(1);
  });
});

describe('abandoned runs', () => {
  /** A results file whose runs are left 'running' by the owners given (null: a file from before owners). */
  async function withRunning(name: string, owners: ({ pid: number; host: string; start: string | null } | null)[]): Promise<string> {
    const file = await resultsFile(name);
    const store = await openStore(file);
    for (const [i, o] of owners.entries())
      await store.run(
        `INSERT INTO runs (run_no, run_id, run_group, scenario, scenario_hash, strategy, strategy_use, mode, transport, seed, status, owner_pid, owner_host, owner_start)
         VALUES (${10 + i}, 'r${i}', 'g', 'safe', 'h', 'single', 'single', 'simulate', 'in-process', 1, 'running', $pid, $host, $start)`,
        { pid: o?.pid ?? null, host: o?.host ?? null, start: o?.start ?? null },
      );
    store.close();
    return file;
  }
  // A process that has ended: its pid is free (or reused by a process started later).
  const gonePid = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
  const host = os.hostname();

  it('a run whose process is gone reads as abandoned (file untouched); one of a live process, or of another host, stays running', async () => {
    const file = await withRunning('abandoned.duckdb', [
      { pid: Number(gonePid), host, start: '1' },
      { pid: process.pid, host, start: readFileSync('/proc/self/stat', 'utf8').slice(readFileSync('/proc/self/stat', 'utf8').lastIndexOf(')') + 2).split(' ')[19]! },
      { pid: 1, host: 'another-machine', start: '5' },
      null,
    ]);
    const before = fingerprint(file);
    const reader = await openStore(file, { readOnly: true });
    const rows = await reader.all<{ run_id: string; status: string; error: string | null }>(`SELECT run_id, status, error FROM runs WHERE run_no >= 10 ORDER BY run_no`);
    // the views (report queries) see the same status
    const viaView = await reader.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM runs r WHERE r.status = 'abandoned'`);
    reader.close();
    expect(rows.map((r) => [r.run_id, r.status])).toEqual([
      ['r0', 'abandoned'],
      ['r1', 'running'],
      ['r2', 'running'],
      ['r3', 'abandoned'],
    ]);
    expect(rows[0]!.error).toBe(`abandoned: its process (pid ${gonePid} on ${host}) ended before the run finished`);
    expect(viaView).toEqual([{ n: 2 }]);
    expect(fingerprint(file)).toEqual(before);

    // opened for writing, the status is recorded
    (await openStore(file)).close();
    const again = await openStore(file, { readOnly: true });
    expect((await again.all<{ status: string }>(`SELECT status FROM main.runs WHERE run_no >= 10 ORDER BY run_no`)).map((r) => r.status)).toEqual(['abandoned', 'running', 'running', 'abandoned']);
    again.close();
  });

  it('merge carries abandoned, not running, into the target', async () => {
    const source = await withRunning('abandoned-src.duckdb', [{ pid: Number(gonePid), host, start: null }]);
    const target = path.join(dir, 'abandoned-merged.duckdb');
    await mergeSources(target, [source]);
    const store = await openStore(target, { readOnly: true });
    expect(await store.all(`SELECT run_id, status FROM runs ORDER BY run_no`)).toEqual([
      { run_id: expect.any(String), status: 'ok' },
      { run_id: 'r0', status: 'abandoned' },
    ]);
    store.close();
  });
});

describe('import', () => {
  it('a failed import onto an existing file leaves it as it was, and no temporary file behind', async () => {
    const input = path.join(dir, 'trace.jsonl');
    const good = '{"arrival_ms": 0, "input_tokens": 10, "output_tokens": 5}\n';
    writeFileSync(input, `${good.repeat(20000)}{"arrival_ms": 1, "input_tokens": -3, "output_tokens": 5}\n`);
    const out = path.join(dir, 'imported', 'out.jsonl');
    rmSync(path.dirname(out), { recursive: true, force: true });
    (await import('node:fs')).mkdirSync(path.dirname(out));
    writeFileSync(out, 'previous contents\n');
    const e = await refusal(importTrace({ file: input, format: 'routebench', onBadRow: 'fail' }, out));
    expect(e.exitCode).toBe(2);
    expect(readFileSync(out, 'utf8')).toBe('previous contents\n');
    expect(readdirSync(path.dirname(out))).toEqual(['out.jsonl']);
    // a good import replaces it whole
    writeFileSync(input, good.repeat(3));
    await importTrace({ file: input, format: 'routebench', onBadRow: 'fail' }, out);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(3);
    expect(readdirSync(path.dirname(out))).toEqual(['out.jsonl']);
  });

  it('an import stopped by Ctrl-C (its signal) leaves the existing file as it was', async () => {
    const input = path.join(dir, 'trace-big.jsonl');
    writeFileSync(input, '{"arrival_ms": 0, "input_tokens": 10, "output_tokens": 5}\n'.repeat(50_000));
    const out = path.join(dir, 'stopped', 'out.jsonl');
    (await import('node:fs')).mkdirSync(path.dirname(out));
    writeFileSync(out, 'previous contents\n');
    const controller = new AbortController();
    const stopped = importTrace({ file: input, format: 'routebench', onBadRow: 'fail' }, out, { signal: controller.signal });
    controller.abort();
    await expect(stopped).rejects.toThrow();
    expect(readFileSync(out, 'utf8')).toBe('previous contents\n');
    expect(readdirSync(path.dirname(out))).toEqual(['out.jsonl']);
  });
});
