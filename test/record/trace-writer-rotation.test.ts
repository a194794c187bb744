/**
 * Rotation does not hold the event loop on a disk: the file rotated out is synced and closed in the
 * thread pool (an fsync of a 64 MiB file, done synchronously, held every call being relayed), and
 * `close()` still resolves only when every file is synced and closed, with every row in it.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { TraceWriter } from '../../src/record/trace-writer.js';

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return { ...real, fsyncSync: vi.fn(real.fsyncSync), fsync: vi.fn(real.fsync) };
});

const dir = mkdtempSync(join(tmpdir(), 'rb-trace-rotate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('TraceWriter rotation', () => {
  it('syncs a rotated-out file off the event loop, and close() waits for it: every row in its file', async () => {
    const out = join(dir, 'rows');
    const w = new TraceWriter({ dir: out, startedAtMs: Date.UTC(2026, 11, 7, 12), rotateBytes: 1, now: () => 0 });
    for (const n of [1, 2, 3]) w.write(`{"row":${n}}\n`); // rotateBytes 1: each row opens a new file
    expect(vi.mocked(fs.fsyncSync)).not.toHaveBeenCalled();
    expect(vi.mocked(fs.fsync)).toHaveBeenCalledTimes(2);
    await w.close();
    expect(vi.mocked(fs.fsyncSync)).toHaveBeenCalledTimes(1); // the last file, at close
    const files = readdirSync(out).sort();
    expect(files).toEqual(['record-20261207T120000Z-001.jsonl', 'record-20261207T120000Z-002.jsonl', 'record-20261207T120000Z-003.jsonl']);
    expect(files.map((f) => readFileSync(join(out, f), 'utf8'))).toEqual(['{"row":1}\n', '{"row":2}\n', '{"row":3}\n']);
    expect(w.files.map((f) => f.rows)).toEqual([1, 1, 1]);
    expect(w.lostRows).toBe(0);
  });
});
