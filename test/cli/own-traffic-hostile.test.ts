/**
 * The own-traffic path (calibrate, backtest) as a new user meets it with a slip of the hand: bad
 * option values, output paths that are not what the command writes, malformed trace lines. Each
 * must end in its documented exit code with a plain message, and leave the user's files as they were.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
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
