/**
 * The simulator's hot path must not fall into a deoptimisation loop: V8 compiling a function,
 * throwing the optimised code away at the same place on a later call, and compiling it again,
 * over and over. Each round costs a TurboFan compile (milliseconds on a helper thread) and
 * interpreter time until the next one. It happened: the mock's draw kept retry-after as NaN on
 * most attempts and as a small integer on the few that had one, and the engine's startAttempt was
 * thrown away at every such attempt (~250 recompiles per worker in the default suite; about one per
 * thousand requests of outage-failover).
 *
 * The run goes through the CLI in a child with `--trace-deopt` (V8 prints one `bailout` line per
 * deoptimisation, naming the function and the bytecode offset). A function may deoptimise a few
 * times while its feedback settles; the same place many times is a loop.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { deoptCounts } from '../helpers/deopt-trace.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'rb-deopt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('reads V8 deopt trace lines', () => {
  const line = '[bailout (kind: deopt-eager, reason: Smi): begin. deoptimizing 0x24c7d38ecda1 <JSFunction startAttempt (sfi = 0x3ca000a21a21)>, 0x09ad38833921 <Code TURBOFAN>, opt id 18, bytecode offset 81, deopt exit 45]';
  expect([...deoptCounts(`${line}\nother\n${line}\n`)]).toEqual([['startAttempt@81', 2]]);
});

it('simulating outage-failover deoptimises no function at one place over and over', () => {
  const root = path.resolve(import.meta.dirname, '../..');
  const res = spawnSync(
    process.execPath,
    ['--trace-deopt', '--import', 'tsx', path.join(root, 'test/helpers/cli-entry.ts'), 'run', path.join(root, 'scenarios/outage-failover.yaml'), '--workers', '1', '--limit', '20000', '--db', path.join(dir, 'r.duckdb'), '--out', path.join(dir, 'reports'), '--quiet'],
    { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 240_000 },
  );
  expect(res.status, res.stderr).toBe(0);
  const counts = deoptCounts(res.stdout + res.stderr);
  // The trace was produced and read: a run this size always deoptimises something once or twice.
  expect(counts.size).toBeGreaterThan(0);
  const loops = [...counts].filter(([, n]) => n > 4);
  expect(loops).toEqual([]);
}, 300_000);
