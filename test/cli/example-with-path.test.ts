/**
 * `--example` is an array option, so a scenario path after it (`routebench validate --example
 * quickstart my.yaml`) was taken for a second example name: "no example scenario named
 * "my.yaml"", exit 2. A word with a slash or a scenario extension is now the file it names.
 * A scenario file named twice (`run a.yaml a.yaml`, `run dir/ dir/a.yaml`) was refused as "two
 * scenarios are named a: a.yaml and a.yaml"; it now runs once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-example-path-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const mine = path.join(dir, 'mine.yaml');
writeFileSync(mine, `name: mine\ntraffic: { synthetic: { arrival: { process: constant, rate_per_s: 5 }, count: 3 } }\ntargets:\n  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }\nstrategies:\n  one: { use: single, options: { target: a } }\n`);

describe('--example followed by a scenario path', () => {
  it('validate --example quickstart <file>: both are validated', async () => {
    const io = memoryIo();
    expect(await runCli(['validate', '--example', 'quickstart', mine], io)).toBe(0);
    expect(io.stdout).toContain(`ok  ${mine} (1 strategy, 1 target)`);
    expect(io.stdout).toMatch(/ok {2}\S*scenarios[/\\]quickstart\.yaml/);
  });

  it('a word that is neither an example nor a path is still refused by name', async () => {
    const io = memoryIo();
    expect(await runCli(['validate', '--example', 'quickstart', 'nope'], io)).toBe(2);
    expect(io.stderr).toContain('no example scenario named "nope"');
  });
});

describe('a scenario file named twice', () => {
  it.each([
    ['the same path twice', () => [mine, mine]],
    ['its folder and itself', () => [dir, mine]],
  ])('%s: validated once, run once', async (_name, paths) => {
    const io = memoryIo();
    expect(await runCli(['validate', ...paths()], io)).toBe(0);
    expect(io.stdout.split('\n').filter((l) => l.includes('mine.yaml'))).toHaveLength(1);
    const run = memoryIo();
    expect(await runCli(['run', ...paths(), '--db', path.join(dir, 'twice.duckdb'), '--out', path.join(dir, 'twice-reports'), '--json'], run)).toBe(0);
    expect((JSON.parse(run.stdout) as { scenarios: unknown[] }).scenarios).toHaveLength(1);
  }, 60_000);
});
