/**
 * The docs' own-traffic commands name routebench's files as a clone has them
 * (`fixtures/traces/own-traffic-sample.jsonl`, `scenarios/own-traffic.yaml`). In a project that
 * installed routebench they live under node_modules/routebench, and the commands said only
 * "trace not found" / "no such file". Now the error says where the package has the file (a path
 * that works from the current folder) and, for an example scenario, the --example that runs it.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

const project = mkdtempSync(path.join(os.tmpdir(), 'routebench-own-project-'));
const home = process.cwd();
beforeEach(() => process.chdir(project));
afterEach(() => process.chdir(home));
afterAll(() => rmSync(project, { recursive: true, force: true }));

async function cli(...args: string[]) {
  const io = memoryIo();
  const code = await runCli(args, io);
  return { code, err: io.stderr };
}

/** The packaged path the hint gives, checked to exist from the project folder. */
function givenPath(err: string, file: string): string {
  const m = new RegExp(`hint: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is one of routebench's own files, shipped in the package: (\\S+?)(;|\\n)`).exec(err);
  expect(m, err).not.toBeNull();
  const given = m![1]!;
  expect(path.isAbsolute(given)).toBe(false);
  expect(existsSync(given)).toBe(true);
  return given;
}

describe('a docs path that only the installed package has', () => {
  it('calibrate fixtures/traces/own-traffic-sample.jsonl: exit 2 with the packaged path, which calibrate then reads', async () => {
    const r = await cli('calibrate', 'fixtures/traces/own-traffic-sample.jsonl', '-o', 'cal.yaml');
    expect(r.code).toBe(2);
    expect(r.err).toContain('fixtures/traces/own-traffic-sample.jsonl  trace not found');
    const given = givenPath(r.err, 'fixtures/traces/own-traffic-sample.jsonl');
    expect(path.resolve(given).endsWith(path.join('fixtures', 'traces', 'own-traffic-sample.jsonl'))).toBe(true);
    expect((await cli('calibrate', given, '-o', 'cal.yaml')).code).toBe(0);
    expect(existsSync('cal.yaml')).toBe(true);
  });

  it('run scenarios/own-traffic.yaml: the packaged file and `routebench run --example own-traffic`', async () => {
    const r = await cli('run', 'scenarios/own-traffic.yaml');
    expect(r.code).toBe(2);
    givenPath(r.err, 'scenarios/own-traffic.yaml');
    expect(r.err).toContain('run it with `routebench run --example own-traffic`');
  });

  it('backtest scenarios/own-traffic.yaml: the packaged file (backtest has no --example)', async () => {
    const r = await cli('backtest', 'scenarios/own-traffic.yaml');
    expect(r.code).toBe(2);
    givenPath(r.err, 'scenarios/own-traffic.yaml');
    expect(r.err).not.toContain('--example');
  });

  it('import of a missing file: the hint is about the current folder, not a scenario; a packaged sample gets its path', async () => {
    const r = await cli('import', 'nowhere.csv', '--format', 'azure', '-o', 'out.jsonl');
    expect(r.code).toBe(2);
    // the hint on its own line (it was glued onto "1 problem found."), naming the folder it is relative to
    expect(r.err).toBe(`nowhere.csv  trace not found\n1 problem found.\nhint: the path is relative to the current folder, ${process.cwd()}\n`);
    const s = await cli('import', 'fixtures/traces/own-traffic-sample.jsonl', '--format', 'routebench', '-o', 'out.jsonl');
    expect(s.code).toBe(2);
    expect(s.err).not.toContain('paths in a scenario');
    givenPath(s.err, 'fixtures/traces/own-traffic-sample.jsonl');
  });

  it('a path the package does not have either: no hint', async () => {
    const r = await cli('run', 'scenarios/not-an-example.yaml');
    expect(r.code).toBe(2);
    expect(r.err).not.toContain('hint:');
  });
});
