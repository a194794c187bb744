/**
 * `calibrate -o scenarios/cal.yaml` beside the scenario that includes it: `routebench run` /
 * `validate` over the folder took the calibration file for a broken scenario ("name: required
 * string is missing", exit 2), failing the whole suite. Files calibrate wrote (first line says so)
 * are now left to the scenarios that include them; named explicitly, they still fail as scenarios.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-scenario-folder-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]) {
  const io = memoryIo();
  const code = await runCli(args, io);
  return { code, out: io.stdout, err: io.stderr };
}

it('validate scenarios/ with a calibration file beside the scenario that includes it', async () => {
  const scenarios = path.join(dir, 'scenarios');
  mkdirSync(scenarios);
  expect((await cli('calibrate', path.resolve('fixtures/traces/own-traffic-sample.jsonl'), '-o', path.join(scenarios, 'cal.yaml'))).code).toBe(0);
  expect(readFileSync(path.join(scenarios, 'cal.yaml'), 'utf8').startsWith('# Written by routebench calibrate')).toBe(true);
  writeFileSync(
    path.join(scenarios, 'mine.yaml'),
    `name: mine\ntraffic: { synthetic: { arrival: { process: constant, rate_per_s: 5 }, count: 3 } }\ncalibration: cal.yaml\nstrategies:\n  one: { use: single, options: { target: openai } }\n`,
  );
  const r = await cli('validate', scenarios);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^ok {2}.*mine\.yaml \(1 strategy, 2 targets\)\n$/);
  expect((await cli('validate', path.join(scenarios, 'cal.yaml'))).code).toBe(2);
});
