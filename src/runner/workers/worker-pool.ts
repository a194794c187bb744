/**
 * A pool of simulate workers (worker threads) fed a list of jobs in order: each free worker
 * takes the next job. Row batches come back as messages and go, in the order each worker sent
 * them, to `onBatch` on the main thread (the one DuckDB writer); the worker is told after each
 * append so it never runs more than its in-flight limit (inFlightLimit) of batches ahead. Results are returned by job
 * index, so nothing downstream depends on which worker finished first.
 */
import { HarnessError, type ExitCodeValue, type Problem } from '../../errors.js';
import type { AttemptBatch } from '../../engine/attempt-rows.js';
import { ownWorker } from '../../own-worker.js';
import type { JobResult } from './simulate-job.js';
import { batchBuffers, inFlightLimit, type FromWorker, type JobMessage, type ToWorker, type WorkerErrorInfo } from './messages.js';

export type PoolJob = Omit<JobMessage, 'type' | 'id'>;

export interface PoolOptions {
  workers: number;
  /** Appends a batch; the pool sends it back to its worker for reuse once this returns. */
  onBatch(batch: AttemptBatch): void;
  onJobDone?(index: number, result: JobResult): void;
  signal?: AbortSignal;
}

export interface PoolOutcome {
  /** By job index; undefined for a job never started (after a failure or Ctrl-C). */
  results: (JobResult | undefined)[];
  failure?: { index: number; error: Error };
}

export function rebuildError(e: WorkerErrorInfo): Error {
  if (e.name === 'HarnessError' && e.code) {
    const err = new HarnessError(e.code, e.message, { hint: e.hint, exitCode: e.exitCode as ExitCodeValue | undefined, problems: (e.problems ?? []) as Problem[] });
    if (e.stack) err.stack = e.stack;
    return err;
  }
  const err = new Error(e.message);
  err.name = e.name;
  if (e.stack) err.stack = e.stack;
  return err;
}

/**
 * A simulate worker's young generation is kept small: the engine's live set is small (in-flight
 * requests, the batch being filled; ~15 MB), and V8 otherwise grew each worker's new space to
 * tens of MB of mostly dead objects. Measured on outage-failover.yaml (5 strategies, 2 workers):
 * each worker's heap 50-57 MB -> 28-36 MB, user CPU unchanged within noise (10.2 -> 9.0-9.5 s).
 * A lone worker (a one-strategy scenario) with 16 MB scavenged ~70 times in 1M requests instead
 * of ~500 (200-230 ms of pauses instead of 450-490), but a full bench put the 10M-request stream
 * at 301 MB (target 300; 278-280 MB at 3 MB), so the cap stayed at 3 MB for every worker.
 * (https://nodejs.org/api/worker_threads.html: resourceLimits.maxYoungGenerationSizeMb.)
 */
export const SIM_WORKER_HEAP = { maxYoungGenerationSizeMb: 3 } as const;

export async function runPool(jobs: readonly PoolJob[], o: PoolOptions): Promise<PoolOutcome> {
  const results: (JobResult | undefined)[] = jobs.map(() => undefined);
  if (jobs.length === 0) return { results };
  let next = 0;
  let failure: PoolOutcome['failure'];
  const count = Math.max(1, Math.min(o.workers, jobs.length));
  const limit = inFlightLimit(count);
  const stopAll: (() => void)[] = [];
  const onAbort = () => stopAll.forEach((f) => f());
  o.signal?.addEventListener('abort', onAbort, { once: true });

  const one = () =>
    new Promise<void>((resolve) => {
      const inFlightBuf = new SharedArrayBuffer(4);
      const inFlight = new Int32Array(inFlightBuf);
      const worker = ownWorker('runner/workers/sim-worker', { workerData: { inFlight: inFlightBuf, limit }, resourceLimits: SIM_WORKER_HEAP });
      let current = -1;
      let ended = false;
      const finish = () => {
        if (ended) return;
        ended = true;
        void worker.terminate().then(() => resolve());
      };
      const send = (m: ToWorker) => worker.postMessage(m);
      const dispatch = () => {
        if (failure || o.signal?.aborted || next >= jobs.length) return finish();
        current = next++;
        send({ type: 'job', id: current, ...jobs[current]! });
      };
      stopAll.push(() => send({ type: 'stop' }));
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'batch') {
          try {
            o.onBatch(m.batch);
          } catch (e) {
            failure ??= { index: m.id, error: e as Error };
            onAbort();
          } finally {
            // The spare goes first: a worker woken by the notify may pick it up at its next yield.
            if (!ended && !failure) worker.postMessage({ type: 'spare', batch: m.batch } satisfies ToWorker, batchBuffers(m.batch));
            Atomics.sub(inFlight, 0, 1);
            Atomics.notify(inFlight, 0);
          }
          return;
        }
        if (m.type === 'done') {
          results[m.id] = m.result;
          o.onJobDone?.(m.id, m.result);
        } else {
          failure ??= { index: m.id, error: rebuildError(m.error) };
          onAbort();
        }
        current = -1;
        dispatch();
      });
      worker.on('error', (e) => {
        failure ??= { index: current, error: e };
        onAbort();
        finish();
      });
      worker.on('exit', () => {
        if (!ended && current >= 0) failure ??= { index: current, error: new Error('a simulate worker exited in the middle of a job') };
        ended = true;
        resolve();
      });
      dispatch();
    });

  try {
    await Promise.all(Array.from({ length: count }, one));
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
  return { results, failure };
}
