/** `--db` naming a folder is a usage error (exit 2) that says so; it was DuckDB's "IO Error: … Is a directory", exit 4. */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-db-folder-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--db that is a folder', () => {
  it.each([['replay'], ['merge']])('%s: exit 2 naming the folder and a file path to give instead; the folder is left empty', async (command) => {
    const folder = path.join(dir, `results-${command}`);
    mkdirSync(folder);
    const scenario = path.join(dir, 's.yaml');
    writeFileSync(scenario, `name: s\ntraffic: { synthetic: { arrival: { process: constant, rate_per_s: 5 }, count: 2 } }\ntargets:\n  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }\nstrategies:\n  one: { use: single, options: { target: a } }\n`);
    const source = path.join(dir, `source-${command}.duckdb`);
    if (command === 'merge') expect(await runCli(['run', scenario, '--db', source, '--out', path.join(dir, 'reports')], memoryIo())).toBe(0);
    const io = memoryIo();
    const args = command === 'replay' ? ['replay', scenario, '--db', folder, '--out', path.join(dir, 'reports')] : ['merge', source, '--db', folder];
    expect(await runCli(args, io)).toBe(2);
    expect(io.stderr).toBe(`error: --db ${folder} is a folder; it names a results file\nhint: give a file path, e.g. --db ${path.join(folder, 'routebench.duckdb')}\n`);
    expect(readdirSync(folder)).toEqual([]);
  });
});
