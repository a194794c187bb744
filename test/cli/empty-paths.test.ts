/**
 * A path given as an empty string (`--db "$RESULTS"` with RESULTS unset) is exit 2 before any
 * work, naming the option. It was: `run --db ''` an in-memory database whose results vanished
 * (exit 0), `run --out ''` and `export --parquet ''` files spilled into the current folder,
 * `import -o ''` and `calibrate -o ''` an internal error (exit 1), `record --out ''` a recorder
 * writing into the current folder. Run from an empty folder, which must stay empty.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { cliProcess } from '../helpers/cli-process.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-empty-path-'));
const cwd = mkdtempSync(path.join(os.tmpdir(), 'routebench-empty-cwd-'));
const home = process.cwd();
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(cwd, { recursive: true, force: true });
});
const at = (f: string) => path.join(dir, f);

beforeAll(async () => {
  writeFileSync(at('s.yaml'), `name: s\ntraffic: { synthetic: { arrival: { process: constant, rate_per_s: 5 }, count: 3 } }\ntargets:\n  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }\nstrategies:\n  one: { use: single, options: { target: a } }\n`);
  writeFileSync(at('rec.jsonl'), '{"arrival_ms":0,"route":"m","input_tokens":1,"output_tokens":1,"recorded":{"ok":true,"status":200,"latency_ms":5,"target":"a"}}\n');
  expect(await runCli(['run', at('s.yaml'), '--db', at('r.duckdb'), '--out', at('reports'), '--quiet'], memoryIo())).toBe(0);
}, 60_000);
beforeEach(() => process.chdir(cwd));
afterEach(() => process.chdir(home));

describe('an empty path', () => {
  it.each([
    ['run --db', () => ['run', at('s.yaml'), '--db', '', '--out', at('o1')], '--db', true],
    ['run --out', () => ['run', at('s.yaml'), '--db', at('x.duckdb'), '--out', ''], '--out', true],
    ['export --parquet', () => ['export', '--db', at('r.duckdb'), '--parquet', ''], '--parquet', true],
    ['import -o', () => ['import', at('rec.jsonl'), '--format', 'routebench', '-o', ''], '-o', true],
    ['calibrate -o', () => ['calibrate', at('rec.jsonl'), '-o', ''], '-o', true],
    ['backtest <scenario>', () => ['backtest', ''], '<scenario>', false],
    ['merge <sources>', () => ['merge', at('r.duckdb'), '', '--db', at('m.duckdb')], '<sources>', false],
  ])('%s: exit 2 naming it, nothing written', async (_name, args, said, optional) => {
    const io = memoryIo();
    expect(await runCli(args(), io)).toBe(2);
    expect(io.stderr).toBe(`error: ${said} is empty; it needs a path\nhint: give a path (an unset shell variable in quotes, e.g. "$RESULTS", gives an empty one)${optional ? `, or leave ${said} out for its default` : ''}\n`);
    expect(readdirSync(cwd)).toEqual([]);
  }, 60_000);

  it('record --out "": exit 2 before listening (it recorded into the current folder)', async () => {
    const r = await cliProcess(['record', '--openai', 'http://127.0.0.1:1', '--port', '0', '--out', ''], { cwd });
    expect(r.hung).toBe(false);
    expect(r.code).toBe(2);
    expect(r.err).toContain('error: --out is empty; it needs a path\n');
    expect(readdirSync(cwd)).toEqual([]);
  }, 90_000);

  it('a filter that is not a path (export --scenario) is not taken for one', async () => {
    const io = memoryIo();
    await runCli(['export', '--db', at('r.duckdb'), '--parquet', at('ex'), '--scenario', ''], io);
    expect(io.stderr).not.toContain('needs a path');
  });
});
