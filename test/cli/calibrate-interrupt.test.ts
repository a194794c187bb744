/**
 * Ctrl-C during `routebench calibrate`: it did not listen, so the process died wherever it was,
 * which could be between its three writes (a new calibration beside the old fit report and
 * page). Now the three files are made first and written together, or, after a Ctrl-C, not at
 * all: exit 130, said, earlier files byte for byte. Ctrl-C is pressed as soon as it listens.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { pressedAtOnce } from '../helpers/interrupted-io.js';
import { runCli } from '../../src/cli/main.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-cal-int-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const trace = path.join(dir, 't.jsonl');
writeFileSync(trace, `${Array.from({ length: 50 }, (_, i) => JSON.stringify({ arrival_ms: i * 100, route: 'm', input_tokens: 10, output_tokens: 5, recorded: { ok: true, status: 200, latency_ms: 100 + i, ttft_ms: 40 + i, target: 'a' } })).join('\n')}\n`);

describe('calibrate and Ctrl-C', () => {
  it('a new calibration: exit 130, none of the three files written', async () => {
    const out = path.join(dir, 'new.yaml');
    const io = pressedAtOnce();
    expect(await runCli(['calibrate', trace, '-o', out], io)).toBe(130);
    expect(io.stderr).toBe(`\nCtrl-C: stopping; nothing will be written (press again to exit now)\ninterrupted: ${out} and its fit report were not written\n`);
    for (const f of ['new.yaml', 'new.report.md', 'new.report.html']) expect(existsSync(path.join(dir, f))).toBe(false);
  });

  it('over an earlier calibration: all three left byte for byte', async () => {
    const out = path.join(dir, 'old.yaml');
    expect(await runCli(['calibrate', trace, '-o', out, '--bucket', '1s'], memoryIo())).toBe(0);
    const files = ['old.yaml', 'old.report.md', 'old.report.html'].map((f) => path.join(dir, f));
    const before = files.map((f) => readFileSync(f, 'utf8'));
    const io = pressedAtOnce();
    expect(await runCli(['calibrate', trace, '-o', out], io)).toBe(130);
    expect(io.stderr).toContain(`interrupted: ${out} and its fit report were left as they were\n`);
    expect(files.map((f) => readFileSync(f, 'utf8'))).toEqual(before);
  });
});
