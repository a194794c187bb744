/**
 * An option that takes a value, given without one (`record --out $DIR` with DIR unset and not
 * quoted: the shell drops the word), is a usage error (exit 2). yargs gave such an option its
 * default: the recording went to ./traces/recorded, an import ran with seed 1 or on_bad_row fail,
 * and nothing said so.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { pressedAtOnce } from '../helpers/interrupted-io.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-valueless-'));
// The old code made the default --out in the current folder before it listened: removed if this test made it.
const defaultOut = path.resolve('traces/recorded');
const hadDefaultOut = existsSync(defaultOut);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (!hadDefaultOut && existsSync(defaultOut)) rmSync(path.resolve('traces'), { recursive: true, force: true });
});

describe('an option given without its value', () => {
  for (const [given, flag] of [
    [['--out'], 'out'],
    [['--out', '--port', '0'], 'out'],
    [['--port', '0', '--grace'], 'grace'],
    [['--port', '0', '--rotate-mb', '--json'], 'rotate-mb'],
  ] as const)
    it(`record ${given.join(' ')}: exit 2 naming --${flag}, nothing started`, async () => {
      // Ctrl-C the moment the recorder listens, so the old code (which started it) ends instead of waiting
      const io = pressedAtOnce();
      expect(await runCli(['record', '--openai', 'http://127.0.0.1:9', ...given], io)).toBe(2);
      expect(io.stderr).toContain(`Not enough arguments following: ${flag}`);
      expect(io.stdout).toBe('');
    });

  it('import --seed (no value) and --on-bad-row (no value): exit 2, nothing written', async () => {
    const input = path.join(dir, 'in.jsonl');
    writeFileSync(input, `${JSON.stringify({ arrival_ms: 0, input_tokens: 10, output_tokens: 5 })}\n`);
    for (const [flag, tail] of [
      ['seed', ['--seed', '--limit', '1']],
      ['on-bad-row', ['--on-bad-row']],
    ] as const) {
      const out = path.join(dir, `${flag}.jsonl`);
      const io = pressedAtOnce();
      expect(await runCli(['import', input, '--format', 'routebench', '-o', out, ...tail], io)).toBe(2);
      expect(io.stderr).toContain(`Not enough arguments following: ${flag}`);
      expect(existsSync(out)).toBe(false);
    }
  });
});
