/**
 * The report's bootstrap (bootstrapQuantiles) must keep its optimised code: it runs once per
 * sample and quantile group over 1,000 resamples, dozens of times per report. It did not: arrays
 * made by .map() are packed when the caller runs in the interpreter and holey once TurboFan has
 * optimised it, and the per-target closures reading them were thrown away ("wrong map") and
 * compiled again whenever bootstrapQuantiles changed tier; and the replicate loop, reading order
 * statistics out of a Map (small integers or heap numbers, by value), was seen bailing out
 * ("not a Smi") 140 times at one place over three reports of the report-1m-rows bench.
 *
 * The child calls it over and over while switching it between the interpreter and TurboFan (V8
 * natives, what a long report does on its own), on whole-number and fractional columns, under
 * --trace-deopt-verbose; no function of bootstrap-quantile.ts may be deoptimised twice (after the
 * first time V8 has the feedback to compile code that holds; the old code was thrown away 2-3 times
 * per function in 12 switches, and more the longer it ran). The replicates' checksum is the same as
 * a plain run's, without tier switching or tracing (the values do not depend on the tier).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { deoptsIn } from '../helpers/deopt-trace.js';

const root = path.resolve(import.meta.dirname, '../..');
const child = (flags: string[]) =>
  spawnSync(process.execPath, [...flags, '--allow-natives-syntax', '--import', 'tsx', path.join(root, 'test/report/bootstrap-tiers-child.ts'), '12'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 120_000,
  });

it('reads the deoptimisations of one file from a verbose trace, per function', () => {
  const trace = [
    '[bailout (kind: deopt-eager, reason: wrong map): begin. deoptimizing 0x1 <JSFunction (sfi = 0x2)>, 0x3 <Code TURBOFAN>, opt id 9, bytecode offset 17, deopt exit 5]',
    '            ;;; deoptimize at <file:///x/src/report/stats/bootstrap-quantile.ts:1:1825>',
    '[bailout (kind: deopt-eager, reason: not a Smi): begin. deoptimizing 0x1 <JSFunction f (sfi = 0x2)>, 0x3 <Code TURBOFAN>, opt id 9, bytecode offset 1, deopt exit 5]',
    '            ;;; deoptimize at <file:///x/src/other.ts:1:5> inlined at <file:///x/src/report/stats/bootstrap-quantile.ts:3:7>',
    '[bailout (kind: deopt-eager, reason: wrong map): begin. deoptimizing 0x1 <JSFunction (sfi = 0x2)>, 0x3 <Code TURBOFAN>, opt id 10, bytecode offset 17, deopt exit 5]',
    '            ;;; deoptimize at <file:///x/src/report/stats/bootstrap-quantile.ts:1:1825>',
  ].join('\n');
  expect([...deoptsIn(trace, 'src/report/stats/bootstrap-quantile.ts')]).toEqual([['(anonymous) 0x2', { count: 2, places: ['1:1825 wrong map', '1:1825 wrong map'] }]]);
});

it('no function of bootstrapQuantiles is deoptimised twice while it changes tier', () => {
  const traced = child(['--trace-deopt-verbose']);
  expect(traced.status, traced.stderr).toBe(0);
  const trace = traced.stdout + traced.stderr;
  // The trace was produced and read: loading the modules alone deoptimises something.
  expect(trace).toContain('deoptimize at');
  const byFunction = deoptsIn(trace, 'src/report/stats/bootstrap-quantile.ts');
  expect([...byFunction].filter(([, d]) => d.count > 1)).toEqual([]);
  const plain = child([]);
  expect(plain.status, plain.stderr).toBe(0);
  expect(/checksum (\S+)/.exec(trace)?.[1]).toBe(/checksum (\S+)/.exec(plain.stdout)?.[1]);
}, 120_000);
