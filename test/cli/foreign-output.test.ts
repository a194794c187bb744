/**
 * Options that name a file routebench replaces whole: `report --pr-comment`, `ci summary --out`
 * and `run --junit` overwrote whatever file was there (a user's notes, another tool's XML) at the
 * end of the work. Now an existing file that routebench did not write is refused before any work
 * (exit 2) and left byte for byte; the command's own earlier output is replaced as before.
 * Likewise the suite page (index.html, index.md, index.json) that run, replay and report write
 * into --out: `--out .` in a website folder replaced its index.html.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { cli } from '../helpers/cli-memory.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-foreign-out-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (f: string) => path.join(dir, f);
const NOTES = 'my notes: do not lose\n';

beforeAll(async () => {
  writeFileSync(at('s.yaml'), `name: s\ntraffic: { synthetic: { arrival: { process: constant, rate_per_s: 5 }, count: 3 } }\ntargets:\n  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }\nstrategies:\n  one: { use: single, options: { target: a } }\n`);
  expect(await runCli(['run', at('s.yaml'), '--db', at('r.duckdb'), '--out', at('reports'), '--quiet'], memoryIo())).toBe(0);
}, 60_000);

describe('a file in the way that routebench did not write', () => {
  const cases: [string, (file: string) => string[], string][] = [
    ['report --pr-comment', (f) => ['report', '--db', at('r.duckdb'), '--out', at('rep'), '--pr-comment', f], '--pr-comment'],
    ['ci summary --out', (f) => ['ci', 'summary', '--reports', at('reports'), '--out', f], '--out'],
    ['run --junit', (f) => ['run', at('s.yaml'), '--db', at('r2.duckdb'), '--out', at('reports2'), '--quiet', '--junit', f], '--junit'],
  ];

  it.each(cases)('%s: exit 2 before any work, the file left as it was; its own earlier output is replaced', async (name, args, flag) => {
    const notes = at(`${flag.slice(2)}-notes.txt`);
    writeFileSync(notes, NOTES);
    const r = await cli(args(notes));
    expect(r.err).toBe(`error: ${flag} ${notes} exists and is not ${name === 'run --junit' ? 'JUnit XML' : name === 'ci summary --out' ? 'a job summary' : 'the PR comment'} routebench wrote; it was left untouched\nhint: write it elsewhere with ${flag}, or remove that file first\n`);
    expect(r.code).toBe(2);
    expect(readFileSync(notes, 'utf8')).toBe(NOTES);
    // refused before the work: run wrote no results file
    if (name === 'run --junit') expect(() => readFileSync(at('r2.duckdb'))).toThrow();

    const own = at(`${flag.slice(2)}-own`);
    expect((await cli(args(own))).code).toBe(0);
    const first = readFileSync(own, 'utf8');
    const again = await cli(args(own));
    expect(again.err).toBe('');
    expect(again.code).toBe(0);
    expect(readFileSync(own, 'utf8').split('\n')[0]).toBe(first.split('\n')[0]);
  }, 60_000);

  it('an empty file is taken (touch x.md first is fine)', async () => {
    const empty = at('empty.md');
    writeFileSync(empty, '');
    expect((await cli(['ci', 'summary', '--reports', at('reports'), '--out', empty])).code).toBe(0);
    expect(readFileSync(empty, 'utf8')).toMatch(/^<!-- routebench -->\n/);
  });
});

describe('an --out folder whose index page is someone else\'s', () => {
  it.each([
    ['index.html', '<!doctype html><title>My site</title>\n'],
    ['index.md', '# My notes\n'],
  ])('%s there: report and run exit 2 before any work, the file left as it was', async (name, mine) => {
    const site = at(`site-${name}`);
    mkdirSync(site);
    writeFileSync(path.join(site, name), mine);
    const report = await cli(['report', '--db', at('r.duckdb'), '--out', site]);
    expect(report.err).toBe(`error: --out ${site} holds an ${name} that routebench did not write; it was left untouched\nhint: give --out a new folder, or one routebench wrote its reports to (e.g. --out reports)\n`);
    expect(report.code).toBe(2);
    const run = await cli(['run', at('s.yaml'), '--db', at(`site-${name}.duckdb`), '--out', site]);
    expect(run.code).toBe(2);
    expect(existsSync(at(`site-${name}.duckdb`))).toBe(false);
    expect(readFileSync(path.join(site, name), 'utf8')).toBe(mine);
  }, 60_000);

  it('its own reports folder is written again', async () => {
    expect((await cli(['report', '--db', at('r.duckdb'), '--out', at('reports')])).code).toBe(0);
    expect((await cli(['run', at('s.yaml'), '--db', at('r.duckdb'), '--out', at('reports'), '--quiet'])).code).toBe(0);
  }, 60_000);
});
