/**
 * Worker-thread entry of a parallel run: takes simulate jobs one at a time, runs each with
 * simulateJob, and posts every full row batch (its typed arrays transferred) and then the job's
 * result to the main thread, which owns the only DuckDB writer. No store, no I/O but the
 * scenario and its trace.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { HarnessError } from '../../errors.js';
import { loadScenario, parseScenario } from '../../scenario/load-scenario.js';
import { simulateJob } from './simulate-job.js';
import type { AttemptBatch } from '../../engine/attempt-rows.js';
import { batchBuffers, type FromWorker, type JobMessage, type ToWorker, type WorkerErrorInfo } from './messages.js';

const port = parentPort!;
const data = workerData as { inFlight: SharedArrayBuffer; limit: number };
/** [0]: batches posted and not yet appended by the main thread. */
const inFlight = new Int32Array(data.inFlight);
/** Batches this worker may have in flight (inFlightLimit). */
const limit = data.limit;
let stopped = false;
/** Batches the writer has appended and sent back, ready to refill. */
const spares: AttemptBatch[] = [];
const post = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

function errorInfo(e: unknown): WorkerErrorInfo {
  if (e instanceof HarnessError) return { name: e.name, message: e.message, stack: e.stack, code: e.code, hint: e.hint, exitCode: e.exitCode, problems: [...e.problems] };
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  return { name: 'Error', message: String(e) };
}

async function run(job: JobMessage): Promise<void> {
  const loaded = job.text !== undefined ? parseScenario(job.text, job.file) : await loadScenario(job.file);
  if (loaded.hash !== job.hash) throw new HarnessError('SCENARIO_CHANGED', `${job.file} changed while the run was starting`, { hint: 'run again once the file is saved' });
  const result = await simulateJob(loaded, job.spec, {
    sink: () => (batch) => {
      // Block while the writer is `limit` batches behind (it notifies after each append).
      for (let n = Atomics.load(inFlight, 0); n >= limit; n = Atomics.load(inFlight, 0)) Atomics.wait(inFlight, 0, n, 1000);
      Atomics.add(inFlight, 0, 1);
      post({ type: 'batch', id: job.id, batch }, batchBuffers(batch));
      return spares.pop();
    },
    stopped: () => stopped,
    yieldEvery: () => new Promise<void>((resolve) => setImmediate(resolve)),
  });
  post({ type: 'done', id: job.id, result });
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'stop') {
    stopped = true;
    return;
  }
  if (m.type === 'spare') {
    spares.push(m.batch);
    return;
  }
  run(m).catch((e: unknown) => post({ type: 'error', id: m.id, error: errorInfo(e) }));
});
