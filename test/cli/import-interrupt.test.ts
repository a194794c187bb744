/**
 * Ctrl-C during `routebench import`: exit 130; a trace that was there is left byte for byte, a new
 * one is not created (no half-written file). It said "was left as it was" for a file that had
 * never existed. Ctrl-C is pressed the moment the command listens for it (deterministic).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { pressedAtOnce } from '../helpers/interrupted-io.js';
import { runCli } from '../../src/cli/main.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-import-int-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const input = path.join(dir, 'in.jsonl');
writeFileSync(input, `${Array.from({ length: 5000 }, (_, i) => JSON.stringify({ arrival_ms: i, input_tokens: 10, output_tokens: 5 })).join('\n')}\n`);

describe('import and Ctrl-C', () => {
  it('a new output: exit 130, "was not written", no file (nor a temp file) left', async () => {
    const out = path.join(dir, 'new', 'trace.jsonl');
    const io = pressedAtOnce();
    expect(await runCli(['import', input, '--format', 'routebench', '-o', out], io)).toBe(130);
    expect(io.stderr).toBe(`\ninterrupted: ${out} was not written\n`);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(path.dirname(out)) ? readdirSync(path.dirname(out)) : []).toEqual([]);
  });

  it('an earlier import there: exit 130, left byte for byte', async () => {
    const out = path.join(dir, 'old.jsonl');
    expect(await runCli(['import', input, '--format', 'routebench', '--limit', '3', '-o', out], memoryIo())).toBe(0);
    const before = readFileSync(out, 'utf8');
    const io = pressedAtOnce();
    expect(await runCli(['import', input, '--format', 'routebench', '-o', out], io)).toBe(130);
    expect(io.stderr).toBe(`\ninterrupted: ${out} was left as it was\n`);
    expect(readFileSync(out, 'utf8')).toBe(before);
    expect(readdirSync(dir).filter((f) => f.startsWith('old.jsonl'))).toEqual(['old.jsonl']);
  });
});
