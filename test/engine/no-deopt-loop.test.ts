/**
 * The simulator's hot path must not fall into a deoptimisation loop: V8 compiling a function,
 * throwing the optimised code away at the same place on a later call, and compiling it again,
 * over and over. Each round costs a TurboFan compile (milliseconds on a helper thread) and
 * interpreter time until the next one. It happened: the mock's draw kept retry-after as NaN on
 * most attempts and as a small integer on the few that had one, and the engine's startAttempt was
 * thrown away at every such attempt (~250 recompiles per worker in the default suite; about one per
 * thousand requests of outage-failover).
 *
 * The child simulates on the main thread under `--trace-deopt-verbose`, which names the source
 * place of every deoptimisation. A function may be deoptimised a few times while its feedback
 * settles; the same place of routebench's own code (src/) many times is a loop. (Places in
 * dependencies are not counted: how V8 treats their code changes between Node versions.)
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { deoptPlaces } from '../helpers/deopt-trace.js';

const root = path.resolve(import.meta.dirname, '../..');

it('reads the places of V8 deoptimisations under a folder', () => {
  const trace = [
    '[bailout (kind: deopt-eager, reason: Smi): begin. deoptimizing 0x1 <JSFunction startAttempt (sfi = 0x2)>, 0x3 <Code TURBOFAN>, opt id 18, bytecode offset 81, deopt exit 45]',
    '            ;;; deoptimize at <file:///x/src/engine/simulate.ts:96:22>',
    '[bailout (kind: deopt-eager, reason: wrong map): begin. deoptimizing 0x4 <JSFunction hr (sfi = 0x5)>, 0x6 <Code TURBOFAN>, opt id 2, bytecode offset 3, deopt exit 1]',
    '            ;;; deoptimize at <file:///x/node_modules/v/build/v.js:1:77>',
    '[bailout (kind: deopt-eager, reason: Smi): begin. deoptimizing 0x1 <JSFunction startAttempt (sfi = 0x2)>, 0x7 <Code TURBOFAN>, opt id 19, bytecode offset 81, deopt exit 45]',
    '            ;;; deoptimize at <file:///x/src/other.ts:1:5> inlined at <file:///x/src/engine/simulate.ts:96:22>',
  ].join('\n');
  expect([...deoptPlaces(trace, '/x/src/')]).toEqual([['startAttempt at src/engine/simulate.ts:96:22 (Smi)', 1], ['startAttempt at src/other.ts:1:5 (Smi)', 1]]);
});

it("simulating outage-failover deoptimises no place of routebench's code over and over", () => {
  const res = spawnSync(process.execPath, ['--trace-deopt-verbose', '--import', 'tsx', path.join(root, 'test/engine/simulate-deopt-child.ts')], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    timeout: 240_000,
  });
  expect(res.status, res.stderr).toBe(0);
  expect(res.stdout).toMatch(/rows \d{5,}/);
  const trace = res.stdout + res.stderr;
  // The trace was produced and read: a run this size always deoptimises something.
  expect(trace).toContain('deoptimize at');
  const loops = [...deoptPlaces(trace, path.join(root, 'src') + path.sep)].filter(([, n]) => n > 4);
  expect(loops).toEqual([]);
}, 300_000);
