/**
 * What the main thread and its simulate workers say to each other. Rows travel as whole
 * AttemptBatch objects whose typed arrays are transferred (moved, not copied); every other field
 * is structured-cloned. A shared Int32Array per worker counts batches posted but not yet
 * appended: the worker blocks (Atomics.wait) when it is its in-flight limit ahead of the writer, so
 * memory stays bounded however fast the engine runs. Appended batches go back to their worker
 * (transferred again) and are refilled, so neither thread allocates ~2 MB per batch (fresh
 * buffers made both isolates' garbage collectors work harder).
 */
import type { AttemptBatch } from '../../engine/attempt-rows.js';
import type { JobResult, JobSpec } from './simulate-job.js';

/**
 * Batches a worker may have posted and not yet seen appended: at least two (the writer appends one
 * while the worker fills the next), and a shared budget of IN_FLIGHT_BUDGET over the workers of a
 * run, so one worker alone may run up to eight ahead. DuckDB's appender commits what it holds every
 * 204,800 rows, ~12 batches (FLUSH_COUNT in duckdb/main/appender.hpp), compressing and writing
 * them to the file in that one call (150-290 ms, against ~2-8 ms for the other appends). With two in flight, a lone worker (a one-strategy
 * scenario) filled both and then waited out each of those calls: 5 waits, 0.55-0.62 s of a 4.0 s
 * run of 1M requests. With eight it did not wait at all. Several workers share the budget: with
 * the default suite's two, the writer is the slower side and a larger queue only held more rows
 * (up to 8 batches, ~1.7 MB each, per worker: peak RSS 409-413 -> 426-437 MB and more CPU when
 * every worker had 8).
 */
export const IN_FLIGHT_BUDGET = 8;
export const inFlightLimit = (workers: number): number => Math.max(2, Math.floor(IN_FLIGHT_BUDGET / Math.max(1, workers)));

export interface JobMessage {
  type: 'job';
  id: number;
  file: string;
  /** The scenario text, when it is not read from `file` (tests, bench). */
  text?: string;
  /** sha256 the main thread planned with: a file changed since is an error, not a silent mix. */
  hash: string;
  spec: JobSpec;
}
/** A batch the writer has appended, its buffers transferred back for the worker to refill. */
export interface SpareMessage {
  type: 'spare';
  batch: AttemptBatch;
}
export type ToWorker = JobMessage | SpareMessage | { type: 'stop' };

export interface WorkerErrorInfo {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  hint?: string;
  exitCode?: number;
  problems?: unknown[];
}

export type FromWorker =
  | { type: 'batch'; id: number; batch: AttemptBatch }
  | { type: 'done'; id: number; result: JobResult }
  | { type: 'error'; id: number; error: WorkerErrorInfo };

/** The typed arrays of a batch, for the transfer list. */
export function batchBuffers(b: AttemptBatch): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const v of Object.values(b)) if (ArrayBuffer.isView(v)) out.push(v.buffer as ArrayBuffer);
  return out;
}
