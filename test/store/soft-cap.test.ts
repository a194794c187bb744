/**
 * A file database runs under a soft memory cap (SOFT_MEMORY_LIMIT) unless ROUTEBENCH_DUCKDB_MEMORY
 * names a limit; a statement that runs out of memory under the cap lifts it and runs again, so the
 * cap never turns an answer into an error.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { capForWriting, SOFT_MEMORY_LIMIT, softCap } from '../../src/store/duckdb-memory.js';
import { openStore } from '../../src/store/open-store.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-soft-cap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const limitOf = async (store: { all<T>(sql: string): Promise<T[]> }) => (await store.all<{ l: string }>('SELECT memory_limit AS l FROM pragma_database_size() LIMIT 1'))[0]!.l;
const mib = (s: string) => {
  const m = /^([\d.]+) ([KMGT]?)i?B$/.exec(s)!;
  return Number(m[1]) * 1024 ** ('KMGT'.indexOf(m[2]!) + 1) / 1024 ** 2;
};

describe('the soft memory cap', () => {
  it('a file database opens under it; an in-memory one does not', async () => {
    const file = await openStore(path.join(dir, 'a.duckdb'));
    // DuckDB's MB is 10^6 bytes and it reports MiB
    expect(mib(await limitOf(file))).toBeCloseTo((parseInt(SOFT_MEMORY_LIMIT, 10) * 1e6) / 2 ** 20, 0);
    file.close();
    const memory = await openStore(':memory:');
    expect(mib(await limitOf(memory))).toBeGreaterThan(parseInt(SOFT_MEMORY_LIMIT, 10));
    memory.close();
  });

  it('ROUTEBENCH_DUCKDB_MEMORY replaces it (no soft cap)', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const con = await instance.connect();
    expect(await softCap(con, path.join(dir, 'b.duckdb'), { ROUTEBENCH_DUCKDB_MEMORY: '1GB' })).toBeUndefined();
    expect(await softCap(con, ':memory:', {})).toBeUndefined();
    con.closeSync();
    instance.closeSync();
  });

  it('a statement out of memory under the cap lifts it and runs again, with the right answer', async () => {
    const store = await openStore(path.join(dir, 'c.duckdb'));
    // a list aggregate cannot spill: 3M BIGINTs do not fit in 8 MB
    await store.run(`SET memory_limit = '8MB'`);
    const sql = 'SELECT len(list(i)) AS n FROM range(3000000) t(i)';
    await expect(store.con.runAndReadAll(sql)).rejects.toThrow(/Out of Memory/i);
    const [row] = await store.all<{ n: number }>(sql);
    expect(row!.n).toBe(3_000_000);
    // back at DuckDB's own default (a share of the machine's RAM), far above the cap
    expect(mib(await limitOf(store))).toBeGreaterThan(4 * parseInt(SOFT_MEMORY_LIMIT, 10));
    store.close();
  });

  it('a cap lifted while rows are written stays lifted when the write cap ends', async () => {
    const store = await openStore(path.join(dir, 'd.duckdb'));
    const uncap = (await capForWriting(store, {}))!;
    // under the write cap, a statement that cannot spill lifts the soft cap
    await store.run(`SET memory_limit = '8MB'`);
    const [row] = await store.all<{ n: number }>('SELECT len(list(i)) AS n FROM range(3000000) t(i)');
    expect(row!.n).toBe(3_000_000);
    expect(store.softCap!.lifted).toBe(true);
    uncap();
    // not back at the soft cap: with the cap marked lifted, a later statement out of memory under it would fail
    expect(mib(await limitOf(store))).toBeGreaterThan(4 * parseInt(SOFT_MEMORY_LIMIT, 10));
    store.close();
  });

  it('without a lift, the write cap ends at the soft cap', async () => {
    const store = await openStore(path.join(dir, 'e.duckdb'));
    const before = await limitOf(store);
    const uncap = (await capForWriting(store, {}))!;
    expect(mib(await limitOf(store))).toBeLessThan(parseInt(SOFT_MEMORY_LIMIT, 10));
    uncap();
    expect(await limitOf(store)).toBe(before);
    store.close();
  });
});
