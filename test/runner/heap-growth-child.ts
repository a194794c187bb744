/**
 * Child of heap-growth.test.ts: `routebench run` of a few requests, as a user starts it, then a
 * workload; with argv[2] `reset`, V8's own growth factor is put back between the two. The workload keeps a steady
 * ~16 MB of live objects in a ring and replaces them one by one, so every object outlives the
 * young generation and dies in the old one; prints the old space's largest size seen and its live
 * size after a full collection at the end, in MB.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { runCli } from '../../src/cli/main.js';
import { processIo } from '../../src/cli/io.js';

{
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rb-heap-growth-'));
  const root = path.resolve(import.meta.dirname, '../..');
  const code = await runCli(['run', path.join(root, 'scenarios/quickstart.yaml'), '--limit', '20', '--db', path.join(dir, 'r.duckdb'), '--out', path.join(dir, 'out'), '--quiet', '--workers', '1'], { ...processIo(), out: () => undefined });
  rmSync(dir, { recursive: true, force: true });
  if (code !== 0) throw new Error(`routebench run exited ${code}`);
  // V8's own growth factor again (0: V8 chooses), as before `routebench run` set it
  if (process.argv[2] === 'reset') v8.setFlagsFromString('--heap-growing-percent=0');
}

const oldSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')!;
const RING = 16 * 1024; // arrays of ~1 KB
const ring: number[][] = new Array(RING);
let peak = 0;
let acc = 0;
for (let i = 0; i < 30 * RING; i++) {
  ring[i % RING] = new Array(120).fill(i);
  // some work per object, as a simulation does: V8's full collections keep pace with it
  for (let k = 0; k < 300; k++) acc += Math.sqrt(k + i);
  if (i % 1024 === 0) peak = Math.max(peak, oldSpace().space_size);
}
(globalThis as { gc?: () => void }).gc!();
const live = oldSpace().space_used_size;
process.stdout.write(`${JSON.stringify({ peakMb: peak / 1048576, liveMb: live / 1048576, kept: ring.filter(Boolean).length, acc: acc > 0 })}\n`);
