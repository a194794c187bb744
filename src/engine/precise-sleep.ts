/**
 * Sub-millisecond sleeps without spinning a core. `setTimeout` counts whole milliseconds of the
 * event loop's cached clock, so a 1–3 ms wait often lands 1–2 ms late; an exact short wait on the
 * main thread then means yielding with setImmediate until it is time, which burns a whole core at
 * a thousand arrivals per second. Here a helper thread blocks in `Atomics.wait` with a fractional
 * timeout (a futex: tens of µs late at most on an idle machine) and posts a message when the
 * deadline has passed, while the main thread sleeps in its event loop.
 *
 * Any number of sleeps may be pending (the thread is armed for the earliest). The thread
 * starts in the background (starting it stalls the event loop for a few ms, so the arrival
 * scheduler shares one per process: `sharedPreciseSleep`); until it is `ready`, callers use their
 * own fallback. It holds the process open only while a sleep is pending; `close` ends it.
 * Deadlines cross threads as `performance.timeOrigin + performance.now()` (the same clock in both,
 * within µs).
 */
import { Worker } from 'node:worker_threads';

// CommonJS, run with eval: no module resolution, so the same code works from src (tsx, vitest) and dist.
const THREAD = `
const { workerData, parentPort } = require('node:worker_threads');
const gen = new Int32Array(workerData, 0, 1);
const due = new Float64Array(workerData, 8, 1);
let fired = 0;
for (;;) {
  const g = Atomics.load(gen, 0);
  if (g < 0) break;
  if (g === fired) { Atomics.wait(gen, 0, g); continue; }
  const left = due[0] - (performance.timeOrigin + performance.now());
  if (left > 0.01) { Atomics.wait(gen, 0, g, left); continue; }
  fired = g;
  parentPort.postMessage(g);
}`;

export interface PreciseSleep {
  /** True once the helper thread runs; before that (or if it could not start) `sleep` resolves at once. */
  readonly ready: boolean;
  /** Resolves `ms` (fractional) real milliseconds from now (at once when not `ready`). */
  sleep(ms: number): Promise<void>;
  close(): void;
}

export function preciseSleep(): PreciseSleep {
  const shared = new SharedArrayBuffer(16);
  const gen = new Int32Array(shared, 0, 1);
  const due = new Float64Array(shared, 8, 1);
  const clock = () => performance.timeOrigin + performance.now();
  let ready = false;
  let closed = false;
  let armed = 0;
  /** Pending sleeps, earliest first; the thread is armed for the first. */
  const waits: { at: number; resolve: () => void }[] = [];
  let worker: Worker | undefined;
  const arm = () => {
    if (!worker || waits.length === 0) return void worker?.unref();
    armed = armed >= 0x3fffffff ? 1 : armed + 1;
    due[0] = waits[0]!.at;
    Atomics.store(gen, 0, armed);
    Atomics.notify(gen, 0);
    worker.ref();
  };
  const wakeAll = () => {
    ready = false;
    for (const w of waits.splice(0)) w.resolve();
    worker?.unref();
  };
  try {
    worker = new Worker(THREAD, { eval: true, workerData: shared });
    worker.on('online', () => (ready = !closed));
    worker.on('message', (g: number) => {
      if (g !== armed) return;
      const now = clock() + 0.02; // the thread fires within 0.01 ms of the deadline
      let n = 0;
      while (n < waits.length && waits[n]!.at <= now) n++;
      for (const w of waits.splice(0, n)) w.resolve();
      arm();
    });
    worker.on('error', wakeAll);
    worker.on('exit', wakeAll);
    // After the listeners: Node refs a worker's message port again when a 'message' listener is
    // added, so an unref() before it left the port holding the process open once the work was done.
    worker.unref();
  } catch {
    worker = undefined; // no threads here: callers keep their fallback
  }
  return {
    get ready() {
      return ready;
    },
    sleep(ms: number): Promise<void> {
      return new Promise<void>((resolve) => {
        if (!ready || !worker) return resolve();
        const at = clock() + ms;
        let k = waits.length;
        while (k > 0 && waits[k - 1]!.at > at) k--;
        waits.splice(k, 0, { at, resolve });
        if (k === 0) arm();
      });
    },
    close() {
      closed = true;
      Atomics.store(gen, 0, -1);
      Atomics.notify(gen, 0);
      wakeAll();
      void worker?.terminate();
    },
  };
}

let shared: PreciseSleep | undefined;

/** One sleep thread for the whole process, started on first use (idle, it keeps nothing alive). */
export function sharedPreciseSleep(): PreciseSleep {
  shared ??= preciseSleep();
  return shared;
}
