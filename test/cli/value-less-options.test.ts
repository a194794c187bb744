/**
 * An option that takes a value, given without one (`record --out $DIR` with DIR unset and not
 * quoted: the shell drops the word), is a usage error (exit 2). yargs gave such an option its
 * default: the recording went to ./traces/recorded, an import ran with seed 1 or on_bad_row fail,
 * `run --db` (last on the line) wrote into results/routebench.duckdb, `run --limit --quiet` ran every
 * request, and nothing said so. Every command's value options are covered (require-values.ts); the
 * list per command is checked against the options each one declares.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { positionalNames, valueOptions } from '../../src/cli/require-values.js';
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

  it('run --db (last on the line) and run --limit (before a flag): exit 2 naming it, no results file anywhere', async () => {
    const scenario = path.join(dir, 's.yaml');
    writeFileSync(scenario, `name: s\ntraffic: { synthetic: { arrival: { process: constant, rate_per_s: 5 }, count: 3 } }\ntargets:\n  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }\nstrategies:\n  one: { use: single, options: { target: a } }\n`);
    const home = process.cwd();
    const cwd = mkdtempSync(path.join(dir, 'cwd-'));
    process.chdir(cwd);
    try {
      for (const [flag, args] of [
        ['db', ['run', scenario, '--out', path.join(dir, 'o'), '--quiet', '--db']],
        ['limit', ['run', scenario, '--db', path.join(dir, 'l.duckdb'), '--out', path.join(dir, 'o'), '--limit', '--quiet']],
        ['workers', ['run', scenario, '--db', path.join(dir, 'w.duckdb'), '--out', path.join(dir, 'o'), '--workers']],
        ['resamples', ['compare', '--db', path.join(dir, 'l.duckdb'), '--resamples']],
      ] as const) {
        const io = memoryIo();
        expect(await runCli([...args], io)).toBe(2);
        expect(io.stderr).toContain(`Not enough arguments following: ${flag}`);
      }
      expect(existsSync(path.join(cwd, 'results'))).toBe(false);
      expect(existsSync(path.join(dir, 'l.duckdb'))).toBe(false);
      // the same options with values, in either form, still run
      expect(await runCli(['run', scenario, '--db', path.join(dir, 'ok.duckdb'), '--out', path.join(dir, 'o'), '--limit=2', '--workers', '1', '--quiet'], memoryIo())).toBe(0);
    } finally {
      process.chdir(home);
    }
  }, 60_000);

  it('which options need a value: not flags, positionals or repeatable options; one name per option', () => {
    expect(positionalNames('compare [baseline] [candidate]')).toEqual(['baseline', 'candidate']);
    expect(positionalNames('calibrate <traces..>')).toEqual(['traces']);
    const opts = {
      key: { paths: true, db: true, quiet: true, verbose: true, tag: true, output: true, o: true, help: true },
      boolean: ['quiet', 'help'],
      count: ['verbose'],
      array: ['paths', 'tag'],
      alias: { output: ['o'], o: ['output'] },
    };
    expect(valueOptions(opts, 'run [paths..]')).toEqual(['db', 'output']);
  });
});
