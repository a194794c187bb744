/**
 * DuckDB running out of memory is the environment (exit 4, what to change), not a bug and not a
 * bad input file. Real DuckDB under a tiny memory_limit produces the messages.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadObserved } from '../../src/calibrate/observed-table.js';
import { environmentFailure, ExitCode, isDuckdbOutOfMemory } from '../../src/errors.js';
import { openStore } from '../../src/store/open-store.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-oom-'));
// A limit of the user's own: the store does not lift it (its default soft cap would, and retry).
const before = process.env.ROUTEBENCH_DUCKDB_MEMORY;
beforeAll(() => void (process.env.ROUTEBENCH_DUCKDB_MEMORY = '4MB'));
afterAll(() => {
  if (before === undefined) delete process.env.ROUTEBENCH_DUCKDB_MEMORY;
  else process.env.ROUTEBENCH_DUCKDB_MEMORY = before;
  rmSync(dir, { recursive: true, force: true });
});

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

describe('DuckDB out of memory', () => {
  it('is an environment failure whose hint names ROUTEBENCH_DUCKDB_MEMORY when it set the limit', async () => {
    const store = await openStore(path.join(dir, 'a.duckdb'));
    try {
      await store.run(`SET temp_directory = ''`); // nowhere to spill: the statement must fail
      const e = await failure(() => store.all('SELECT list(range) AS l FROM range(5000000)'));
      expect(isDuckdbOutOfMemory(e)).toBe(true);

      const capped = environmentFailure(e, undefined, { ROUTEBENCH_DUCKDB_MEMORY: '4MB' })!;
      expect(capped.exitCode).toBe(ExitCode.environment);
      expect(capped.code).toBe('DUCKDB_OUT_OF_MEMORY');
      expect(capped.message).toMatch(/^DuckDB ran out of memory under ROUTEBENCH_DUCKDB_MEMORY=4MB: /);
      // Only DuckDB's first line: not its advice for SQL users (SET threads, SET memory_limit).
      expect(capped.message).not.toMatch(/\n|SET threads/);
      expect(capped.hint).toMatch(/^raise ROUTEBENCH_DUCKDB_MEMORY .* or unset it/);

      const machine = environmentFailure(e, undefined, {})!;
      expect(machine.message).toMatch(/^DuckDB ran out of memory: /);
      expect(machine.hint).toMatch(/^free memory on this machine, or set ROUTEBENCH_DUCKDB_MEMORY/);
    } finally {
      store.close();
    }
  });

  it('while calibrate reads a trace, it is not reported as a trace it could not read', async () => {
    const store = await openStore(path.join(dir, 'b.duckdb'));
    try {
      const e = await failure(() => loadObserved(store, [path.resolve('fixtures/traces/own-traffic-sample.jsonl')]));
      expect((e as { code?: string }).code).not.toBe('BAD_TRACE');
      expect(isDuckdbOutOfMemory(e)).toBe(true);
    } finally {
      store.close();
    }
  });

  it('other DuckDB failures are not taken for it', () => {
    expect(isDuckdbOutOfMemory(new Error('Binder Error: Referenced column "x" not found'))).toBe(false);
    expect(environmentFailure(new Error('Parser Error: syntax error at or near "SELEC"'), undefined, {})).toBeUndefined();
  });
});
