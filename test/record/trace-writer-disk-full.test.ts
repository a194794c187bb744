/**
 * A disk that fills up while recording: write(2) takes part of a batch without an error (what
 * fits) and fails the next call with ENOSPC. The file must still hold whole rows only (it is read
 * as a trace at every moment), the rows in it counted as written and the rest as lost; once space
 * is freed, the next rows follow the last whole one.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { TraceWriter } from '../../src/record/trace-writer.js';

/** Bytes the simulated disk still takes, and at most per write(2) call (Infinity both: the real disk). */
const disk = vi.hoisted(() => ({ free: Infinity, perWrite: Infinity }));

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const writeSync = (fd: number, data: string | Buffer, offset?: number): number => {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data.subarray(offset ?? 0);
    if (disk.free === Infinity && disk.perWrite === Infinity) return real.writeSync(fd, bytes);
    if (disk.free === 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const n = Math.min(bytes.length, disk.free, disk.perWrite);
    disk.free -= n;
    return real.writeSync(fd, bytes.subarray(0, n));
  };
  return { ...real, writeSync };
});

const dir = mkdtempSync(join(tmpdir(), 'rb-trace-full-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const row = (n: number) => `{"row":${n},"pad":"${'x'.repeat(20)}"}\n`; // 35 or 36 bytes

describe('TraceWriter on a disk that fills up', () => {
  it('keeps whole rows only: a batch cut by a full disk is truncated to its last whole row, the rest counted lost; writing resumes after it', async () => {
    const errors: unknown[] = [];
    const w = new TraceWriter({ dir: join(dir, 'full'), startedAtMs: Date.UTC(2026, 11, 7, 12), now: () => 0, onError: (e) => errors.push(e) });
    for (const n of [1, 2]) w.write(row(n));
    w.flush(); // 70 bytes on disk
    disk.free = 100; // room for 100 of the next batch's 3 rows (105 bytes): rows 3 and 4 whole, 30 bytes of row 5
    for (const n of [3, 4, 5]) w.write(row(n));
    w.flush();
    disk.free = Infinity; // space freed
    for (const n of [6, 7]) w.write(row(n));
    await w.close();

    const file = w.files[0]!.path;
    const text = readFileSync(file, 'utf8');
    expect(text).toBe([1, 2, 3, 4, 6, 7].map(row).join(''));
    expect(w.files.map((f) => [f.rows, f.bytes])).toEqual([[6, Buffer.byteLength(text)]]);
    expect(w.lostRows).toBe(1);
    expect((errors[0] as { code?: string }).code).toBe('ENOSPC');
  });

  it('writes the rest of a batch the disk took only part of, when the next write succeeds', async () => {
    const w = new TraceWriter({ dir: join(dir, 'short'), startedAtMs: Date.UTC(2026, 11, 7, 12), now: () => 0 });
    disk.perWrite = 50; // every write takes at most 50 bytes, without an error
    for (const n of [1, 2, 3]) w.write(row(n));
    w.flush();
    disk.perWrite = Infinity;
    await w.close();
    expect(readFileSync(w.files[0]!.path, 'utf8')).toBe([1, 2, 3].map(row).join(''));
    expect(w.files[0]!.rows).toBe(3);
    expect(w.lostRows).toBe(0);
  });
});
