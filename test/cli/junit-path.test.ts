/**
 * `run --junit <a folder>` ran every scenario, then failed at the very end with exit 4, "is a
 * folder, not a file" and a hint naming --db / --out. It is now refused before anything runs
 * (exit 2, naming --junit and a file path to give; no results file is made).
 * Also: a one-request summary says "1 request".
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-junit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = path.join(dir, 's.yaml');
writeFileSync(file, `name: s\ntraffic: { synthetic: { arrival: { process: constant, rate_per_s: 5 }, count: 1 } }\ntargets:\n  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }\nstrategies:\n  one: { use: single, options: { target: a } }\n`);

it('--junit naming a folder: exit 2 before running, nothing written', async () => {
  const folder = path.join(dir, 'junit');
  mkdirSync(folder);
  const db = path.join(dir, 'r.duckdb');
  const io = memoryIo();
  expect(await runCli(['run', file, '--db', db, '--out', path.join(dir, 'reports'), '--junit', folder], io)).toBe(2);
  expect(io.stdout).toBe('');
  expect(io.stderr).toBe(`error: --junit ${folder} is a folder; it names the JUnit XML file to write\nhint: e.g. --junit ${path.join(folder, 'junit.xml')}\n`);
  expect(existsSync(db)).toBe(false);
});

it('--junit into a folder that does not exist yet is written at the end; one request says "1 request"', async () => {
  const junit = path.join(dir, 'ci', 'junit.xml');
  const io = memoryIo();
  expect(await runCli(['run', file, '--db', path.join(dir, 'ok.duckdb'), '--out', path.join(dir, 'reports'), '--junit', junit, '--workers', '1'], io)).toBe(0);
  expect(readFileSync(junit, 'utf8')).toContain('<testsuites');
  expect(io.stdout).toMatch(/^s: 1 request, /);
});
