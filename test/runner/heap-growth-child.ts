/**
 * Child of heap-growth.test.ts: `routebench run` of a few requests, as a user starts it, then a
 * workload in a worker thread with a simulate worker's heap limits (SIM_WORKER_HEAP); with argv[2]
 * `reset`, V8's own growth factor is put back first. The workload keeps a steady ~16 MB of live
 * objects in a ring and replaces them one by one, doing some arithmetic per object as a
 * simulation does, so every object outlives the small young generation and dies in the old one.
 * Prints the worker's largest old space seen and the live objects after a full collection, in MB.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { runCli } from '../../src/cli/main.js';
import { processIo } from '../../src/cli/io.js';
import { SIM_WORKER_HEAP } from '../../src/runner/workers/worker-pool.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'rb-heap-growth-'));
const root = path.resolve(import.meta.dirname, '../..');
const code = await runCli(['run', path.join(root, 'scenarios/quickstart.yaml'), '--limit', '20', '--db', path.join(dir, 'r.duckdb'), '--out', path.join(dir, 'out'), '--quiet', '--workers', '1'], { ...processIo(), out: () => undefined });
rmSync(dir, { recursive: true, force: true });
if (code !== 0) throw new Error(`routebench run exited ${code}`);
// V8's own growth factor again (0: V8 chooses), as before `routebench run` set it
if (process.argv[2] === 'reset') v8.setFlagsFromString('--heap-growing-percent=0');

const WORKLOAD = `
const { parentPort } = require('node:worker_threads');
const v8 = require('node:v8');
const oldSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space');
const RING = 16 * 1024; // arrays of ~1 KB
const ring = new Array(RING);
let peak = 0;
let acc = 0;
for (let i = 0; i < 30 * RING; i++) {
  ring[i % RING] = new Array(120).fill(i);
  for (let k = 0; k < 300; k++) acc += Math.sqrt(k + i);
  if (i % 256 === 0) peak = Math.max(peak, oldSpace().space_size);
}
globalThis.gc();
parentPort.postMessage({ peakMb: peak / 1048576, liveMb: oldSpace().space_used_size / 1048576, kept: ring.filter(Boolean).length, acc: acc > 0 });
`;
const worker = new Worker(WORKLOAD, { eval: true, resourceLimits: SIM_WORKER_HEAP });
const [answer] = (await once(worker, 'message')) as [unknown];
await worker.terminate();
process.stdout.write(`${JSON.stringify(answer)}\n`);
