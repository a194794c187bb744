/**
 * What the main thread and its simulate workers say to each other. Rows travel as whole
 * AttemptBatch objects whose typed arrays are transferred (moved, not copied); every other field
 * is structured-cloned. A shared Int32Array per worker counts batches posted but not yet
 * appended: the worker blocks (Atomics.wait) when it is MAX_IN_FLIGHT ahead of the writer, so
 * memory stays bounded however fast the engine runs. Appended batches go back to their worker
 * (transferred again) and are refilled, so neither thread allocates ~2 MB per batch (fresh
 * buffers made both isolates' garbage collectors work harder).
 */
import type { AttemptBatch } from '../../engine/attempt-rows.js';
import type { JobResult, JobSpec } from './simulate-job.js';

/**
 * Two: the writer appends one batch while the worker fills the next, and a third waits. With 8,
 * up to 8 batches (~2 MB each) per worker sat in the main thread whenever DuckDB's append was the
 * slower side, which it is on the default suite: peak RSS 426-437 -> 409-413 MB and user CPU
 * 20.1-21.1 -> 18.0-18.6 s (`routebench run scenarios/`, 2 workers, 3 runs each).
 */
export const MAX_IN_FLIGHT = 2;

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
