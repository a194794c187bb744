/**
 * AttemptWriter refills one data chunk for every 2,048-row slice instead of creating a chunk per
 * slice (a chunk's native memory waits for a major GC, ~125 MB of RSS per million rows). A reused
 * chunk must not carry a slice's NULLs into the next one: rows alternate between slices full of
 * NULLs and slices with none, and every value read back is the one written.
 */
import { DuckDBDataChunk } from '@duckdb/node-api';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { newBatch } from '../../src/engine/attempt-rows.js';
import { openStore } from '../../src/store/open-store.js';
import { AttemptWriter } from '../../src/store/write-attempts.js';

afterEach(() => vi.restoreAllMocks());
const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The buffer pool's own limit (current_setting can show a value the pool does not use). */
const limit = async (s: Awaited<ReturnType<typeof openStore>>) => (await s.all<{ l: string }>(`SELECT memory_limit AS l FROM pragma_database_size() LIMIT 1`))[0]!.l;

/** Rows 0..n-1: in odd 2,048-row slices every nullable column is NULL, in even slices none is. */
function batch(runNo: number, from: number, n: number) {
  const b = newBatch(runNo, n);
  for (let i = 0; i < n; i++) {
    const r = from + i;
    const nulls = Math.floor(r / 2048) % 2 === 1;
    b.requestNo[i] = r;
    b.attemptNo[i] = r % 3;
    b.targetNo[i] = nulls ? -1 : r % 4;
    b.scheduledMs[i] = r * 0.5;
    b.sentMs[i] = r * 0.5 + 1;
    b.firstTokenMs[i] = nulls ? NaN : r + 0.25;
    b.endMs[i] = r + 2;
    b.httpStatus[i] = nulls ? -1 : 200;
    b.errorKind[i] = nulls ? -1 : 1;
    b.retryAfterMs[i] = nulls ? NaN : 7;
    b.tokensIn[i] = r % 1000;
    b.costUsd[i] = r / 1e6;
    b.incidentNo[i] = nulls ? -1 : 0;
    b.maxGapMs[i] = nulls ? NaN : 3;
    b.harnessMs[i] = nulls ? NaN : 0.5;
  }
  b.length = n;
  return b;
}

describe('AttemptWriter', () => {
  it('reuses one chunk across slices and stores every value and NULL as written', async () => {
    const store = await openStore(':memory:');
    const writer = await AttemptWriter.open(store);
    const create = vi.spyOn(DuckDBDataChunk, 'create');
    const sizes = [5000, 3000, 6000];
    let from = 0;
    for (const n of sizes) {
      writer.append(batch(1, from, n));
      from += n;
    }
    writer.flush();
    writer.close();
    // 14,000 rows are 8 slices: one chunk, created once (the old writer created 8).
    expect(create).toHaveBeenCalledTimes(1);
    const rows = await store.all<Record<string, number | null>>(
      `SELECT request_no, attempt_no, target_no, scheduled_ms, first_token_ms, http_status, retry_after_ms, incident_no, max_gap_ms, harness_ms, cost_usd FROM attempts ORDER BY request_no`,
    );
    store.close();
    expect(rows).toHaveLength(from);
    let wrong = 0;
    for (const [r, row] of rows.entries()) {
      const nulls = Math.floor(r / 2048) % 2 === 1;
      const want = {
        request_no: r,
        attempt_no: r % 3,
        target_no: nulls ? null : r % 4,
        scheduled_ms: r * 0.5,
        first_token_ms: nulls ? null : r + 0.25,
        http_status: nulls ? null : 200,
        retry_after_ms: nulls ? null : 7,
        incident_no: nulls ? null : 0,
        max_gap_ms: nulls ? null : 3,
        harness_ms: nulls ? null : 0.5,
        cost_usd: r / 1e6,
      };
      for (const [k, v] of Object.entries(want)) if (row[k] !== v && wrong++ < 5) expect({ r, k, got: row[k] }).toEqual({ r, k, got: v });
    }
    expect(wrong).toBe(0);
  });

  it('caps a file database at 40MB while writing and lifts the cap on close; leaves an in-memory one alone', async () => {
    const file = await openStore(path.join(dir, 'cap.duckdb'));
    const before = await limit(file);
    const writer = await AttemptWriter.open(file);
    // DuckDB prints 40MB (10^6 bytes) as MiB.
    expect(await limit(file)).toBe('38.1 MiB');
    writer.append(batch(1, 0, 100));
    writer.flush();
    writer.close();
    // Back to the limit it had (DuckDB prints it rounded, so the restored value may round 0.1 lower).
    const after = await limit(file);
    expect(after).not.toBe('38.1 MiB');
    expect(Math.abs(parseFloat(after) - parseFloat(before))).toBeLessThan(0.15);
    expect(after.split(' ')[1]).toBe(before.split(' ')[1]);
    expect((await file.all<{ n: number }>('SELECT count(*) AS n FROM attempts'))[0]!.n).toBe(100);
    file.close();

    const memory = await openStore(':memory:');
    const unchanged = await limit(memory);
    const w2 = await AttemptWriter.open(memory);
    expect(await limit(memory)).toBe(unchanged);
    w2.close();
    memory.close();
  });
});
