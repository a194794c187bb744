/**
 * The own-traffic path (calibrate, backtest) as a new user meets it with a slip of the hand: bad
 * option values, output paths that are not what the command writes, malformed trace lines. Each
 * must end in its documented exit code with a plain message, and leave the user's files as they were.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rb-own-hostile-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('backtest tolerances', () => {
  it.each([
    ['--success-pp', '-1', /--success-pp must be a number above 0, got -1/],
    ['--success-pp', '0', /--success-pp must be a number above 0, got 0/],
    ['--latency-pct', 'abc', /--latency-pct must be a number above 0, got something that is not a number/],
  ])('%s %s is a usage error (exit 2), not a pass or a failed backtest; nothing is written', async (flag, value, message) => {
    const io = memoryIo();
    const db = join(dir, `bt-${value}.duckdb`);
    const out = join(dir, `bt-${value}`);
    expect(await runCli(['backtest', 'scenarios/own-traffic.yaml', flag, value, '--db', db, '--out', out], io)).toBe(2);
    expect(io.stderr).toMatch(message);
    expect(existsSync(db)).toBe(false);
    expect(existsSync(out)).toBe(false);
  });
});

describe('calibrate -o', () => {
  const sample = 'fixtures/traces/own-traffic-sample.jsonl';

  it.each([
    ['notes.yaml', 'notes.yaml'],
    ['plan.yaml', 'plan.report.md'],
  ])('-o %s: an existing %s that calibrate did not write is refused (exit 2) and left as it was', async (output, occupied) => {
    const sub = join(dir, `occupied-${output}`);
    mkdirSync(sub);
    writeFileSync(join(sub, occupied), 'my own notes\n');
    const io = memoryIo();
    expect(await runCli(['calibrate', sample, '-o', join(sub, output)], io)).toBe(2);
    expect(io.stderr).toContain(`${join(sub, occupied)} exists and was not written by routebench calibrate; it was left untouched`);
    expect(readdirSync(sub)).toEqual([occupied]);
    expect(readFileSync(join(sub, occupied), 'utf8')).toBe('my own notes\n');
  });

  it('a calibration calibrate wrote before is replaced, as re-running calibrate should', async () => {
    const out = join(dir, 'again.yaml');
    expect(await runCli(['calibrate', sample, '-o', out], memoryIo())).toBe(0);
    expect(await runCli(['calibrate', sample, '-o', out, '--bucket', '2s'], memoryIo())).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^# Written by routebench calibrate/);
  });

  it('-o naming a folder is a usage error (exit 2) that names the fix, and leaves no temp file beside it', async () => {
    const folder = join(dir, 'cal-folder');
    mkdirSync(folder);
    const io = memoryIo();
    expect(await runCli(['calibrate', sample, '-o', folder], io)).toBe(2);
    expect(io.stderr).toContain(`-o ${folder} is a folder; -o names the calibration file to write`);
    expect(readdirSync(dir).filter((f) => f.startsWith('cal-folder'))).toEqual(['cal-folder']);
    expect(readdirSync(folder)).toEqual([]);
  });
});
