/**
 * The recorder's output: JSONL trace files in one folder, rotated by size or age. Rows are
 * appended whole (one line each), so a file is valid at every moment; `close` flushes and fsyncs
 * the open file before it resolves, so a recording stopped by SIGINT/SIGTERM loses no finished
 * call. File names carry the recording's start and a sequence number:
 * `record-20261206T153000Z-001.jsonl`.
 */
import { close as closeAsync, closeSync, fstatSync, fsync as fsyncAsync, fsyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { makeFolders } from '../make-folders.js';

export interface TraceWriterOptions {
  dir: string;
  /** Epoch ms of the recording's start (in the file names). */
  startedAtMs: number;
  /** Start a new file past this many bytes (default 64 MiB). */
  rotateBytes?: number;
  /** Start a new file after this many ms (default: never). */
  rotateMs?: number;
  /** Monotonic ms, for rotation by age. */
  now: () => number;
  /** Told of the first row that could not be written. */
  onError?: (e: unknown) => void;
}

export interface WrittenFile {
  path: string;
  rows: number;
  bytes: number;
}

/** Buffered appends, written with one syscall per batch (at most every `FLUSH_BYTES`, and on a timer). */
const FLUSH_BYTES = 256 * 1024;

export class TraceWriter {
  readonly files: WrittenFile[] = [];
  private fd = -1;
  private current: WrittenFile | undefined;
  private openedAt = 0;
  private pending: string[] = [];
  private pendingBytes = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly stamp: string;
  /** Sequence number of the last file name tried. */
  private seq = 0;

  constructor(private readonly o: TraceWriterOptions) {
    makeFolders(o.dir);
    this.stamp = new Date(o.startedAtMs).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    this.timer = setInterval(() => this.flush(), 200);
    this.timer.unref();
  }

  /** Rows that could not be written (the folder gone, the disk full, ...); the first failure is `failure`. */
  lostRows = 0;
  failure: unknown;

  /**
   * Appends one line (with its newline). Never throws: a row that cannot be written is counted in
   * `lostRows` (the first error kept in `failure`, and given to `onError`), and the next row tries
   * again (a new file in a re-created folder, space freed), so the calls being relayed never stop.
   */
  write(line: string): void {
    try {
      if (this.fd < 0 || this.due()) this.rotate();
    } catch (e) {
      this.fail(e, 1);
      return;
    }
    const bytes = Buffer.byteLength(line);
    this.pending.push(line);
    this.pendingBytes += bytes;
    this.current!.rows++;
    this.current!.bytes += bytes;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
  }

  /** Writes buffered rows to the file; rows that cannot be are lost (counted), not thrown. */
  flush(): void {
    if (this.pending.length === 0 || this.fd < 0) return;
    this.reopenIfRemoved();
    if (this.fd < 0) return;
    const text = this.pending.join('');
    const rows = this.pending.length;
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    // A full disk (or a file size limit) takes part of a write without an error and fails the
    // next: the rest is written, and what a failure leaves of the batch is cut back to whole rows.
    let done = 0;
    try {
      done = writeSync(this.fd, text);
      if (done < bytes) {
        const rest = Buffer.from(text);
        while (done < bytes) {
          const n = writeSync(this.fd, rest, done);
          if (n === 0) throw new Error(`${this.current!.path}: the disk took no more bytes`);
          done += n;
        }
      }
    } catch (e) {
      const kept = done === 0 ? { rows: 0, bytes: 0 } : this.keepWholeRows(text, done);
      this.current!.rows -= rows - kept.rows;
      this.current!.bytes -= bytes - kept.bytes;
      this.fail(e, rows - kept.rows);
    }
  }

  /** Truncates the file to the whole rows of the `done` bytes written of `text`; returns how many rows and bytes stay. */
  private keepWholeRows(text: string, done: number): { rows: number; bytes: number } {
    const b = Buffer.from(text).subarray(0, done);
    const keep = b.lastIndexOf(10) + 1;
    try {
      ftruncateSync(this.fd, fstatSync(this.fd).size - (done - keep)); // the file is opened to append: the next row follows
    } catch {
      return { rows: 0, bytes: 0 }; // nothing known of the file's end: the batch counts as lost
    }
    let rows = 0;
    for (let i = b.indexOf(10); i !== -1 && i < keep; i = b.indexOf(10, i + 1)) rows++;
    return { rows, bytes: keep };
  }

  /** Files rotated out whose fsync and close are still running (off the event loop). */
  private readonly closing = new Set<Promise<void>>();

  /** Flushes, fsyncs and closes the open file; resolves when the files rotated out are synced and closed too. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.flush();
    this.closeFile();
    await Promise.all(this.closing);
  }

  private closeFile(): void {
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    try {
      fsyncSync(fd);
    } catch (e) {
      this.fail(e, 0);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * A rotated-out file is synced and closed in the thread pool: an fsync of a 64 MiB file takes a
   * disk's while, and done here it would hold every call being relayed (close() waits for it).
   */
  private closeFileLater(): void {
    const fd = this.fd;
    this.fd = -1;
    const done = new Promise<void>((resolve) =>
      fsyncAsync(fd, (e) => {
        if (e) this.fail(e, 0);
        closeAsync(fd, () => resolve());
      }),
    );
    this.closing.add(done);
    void done.then(() => this.closing.delete(done));
  }

  /**
   * The open file was removed (its folder cleaned up while recording): the rows already in it are
   * gone (counted as lost), and the buffered ones go to a new file in the folder made again.
   */
  private reopenIfRemoved(): void {
    let removed = false;
    try {
      removed = fstatSync(this.fd).nlink === 0;
    } catch {
      return;
    }
    if (!removed) return;
    const gone = this.current!;
    closeSync(this.fd);
    this.fd = -1;
    this.files.splice(this.files.indexOf(gone), 1);
    this.fail(new Error(`${gone.path} was removed while recording`), gone.rows - this.pending.length);
    try {
      this.rotate();
    } catch (e) {
      this.fail(e, this.pending.length);
      this.pending = [];
      this.pendingBytes = 0;
      return;
    }
    this.current!.rows = this.pending.length;
    this.current!.bytes = this.pendingBytes;
  }

  private fail(e: unknown, rows: number): void {
    this.lostRows += rows;
    if (this.failure !== undefined) return;
    this.failure = e;
    this.o.onError?.(e);
  }

  private due(): boolean {
    const c = this.current!;
    return c.bytes >= (this.o.rotateBytes ?? 64 * 1024 * 1024) || (this.o.rotateMs !== undefined && this.o.now() - this.openedAt >= this.o.rotateMs);
  }

  private rotate(): void {
    if (this.fd >= 0) {
      this.flush();
      this.closeFileLater();
    }
    makeFolders(this.o.dir); // removed while recording: made again
    // Another recorder started in the same second with the same folder (two apps, one default
    // --out) owns that name: take the next free number rather than fail (and lose) this call's row.
    let path: string;
    for (;;) {
      path = join(this.o.dir, `record-${this.stamp}-${String(++this.seq).padStart(3, '0')}.jsonl`);
      try {
        this.fd = openSync(path, 'ax');
        break;
      } catch (e) {
        if ((e as { code?: string }).code !== 'EEXIST') throw e;
      }
    }
    this.current = { path, rows: 0, bytes: 0 };
    this.files.push(this.current);
    this.openedAt = this.o.now();
  }
}
