/**
 * A scenario or calibration path that names a device: `calibration: /dev/zero` made validate read
 * without end until Node aborted (std::bad_alloc, no message, exit 134). A device or a folder is
 * now a located problem (exit 2); a pipe (`validate <(…)`, `… | validate /dev/stdin`) is still read to its end.
 * Also --db / --out under a folder that takes no new entries (/proc): --db looped in Node's
 * recursive mkdir at 100% CPU without end, --out was an 'internal error' (exit 1); now exit 4.
 * Run as a process: the old code's failures are a crash and a hang, which must not take the test runner along.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-device-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/cli-entry.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(kill);
      resolve({ code, out, err });
    });
  });
}

const scenario = (calibration: string) => `name: dev
traffic: { synthetic: { arrival: { process: constant, rate_per_s: 5 }, count: 3 } }
calibration: ${calibration}
targets:
  a: { provider: openai, model: gpt-4o-mini }
strategies:
  one: { use: single, options: { target: a } }
`;

describe.skipIf(!existsSync('/dev/zero'))('paths that name a device', () => {
  it('calibration: /dev/zero is exit 2 at the calibration line', async () => {
    const file = path.join(dir, 'zero.yaml');
    writeFileSync(file, scenario('/dev/zero'));
    const r = await cli(['validate', file]);
    expect(r.err).toBe(`${file}:3:14  calibration  /dev/zero is a device, not a file; give the file routebench calibrate wrote\n1 problem found.\n`);
    expect(r.code).toBe(2);
  }, 90_000);

  it('calibration: a folder is exit 2 saying so', async () => {
    const file = path.join(dir, 'folder.yaml');
    writeFileSync(file, scenario('.'));
    const r = await cli(['validate', file]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('calibration  . is a folder, not a file');
  }, 90_000);

  it('a scenario that is a device: exit 2; one read from a pipe still validates', async () => {
    const r = await cli(['validate', '/dev/zero']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('/dev/zero  a device, not a scenario file');
    const good = path.join(dir, 'good.yaml');
    writeFileSync(good, scenario('cal.yaml'));
    writeFileSync(path.join(dir, 'cal.yaml'), 'targets: {}\n');
    expect((await cli(['validate', good])).code).toBe(0);
    // stdin is a pipe: /dev/stdin names it
    const plain = path.join(dir, 'plain.yaml');
    writeFileSync(plain, scenario('x').replace(/^calibration: .*\n/m, ''));
    // a shell pipe (a FIFO; Node's own child stdin is a socket, which cannot be opened by path)
    const piped = execFileSync('bash', ['-c', 'cat "$1" | "$2" --import tsx test/helpers/cli-entry.ts validate /dev/stdin', 'sh', plain, process.execPath], { encoding: 'utf8' });
    expect(piped).toMatch(/^ok {2}\/dev\/stdin \(1 strategy, 1 target\)/);
  }, 90_000);

  it.skipIf(!existsSync('/proc/self'))('--db and --out under /proc (takes no new entries): exit 4 at once; --db spun the CPU without end in a recursive mkdir', async () => {
    const scen = path.join(dir, 'plain-run.yaml');
    writeFileSync(scen, scenario('x').replace(/^calibration: .*\n/m, ''));
    for (const [flag, value] of [['--db', '/proc/routebench-test/r.duckdb'], ['--out', '/proc/routebench-test']] as const) {
      const r = await cli(['run', scen, flag, value]);
      expect(r.code).toBe(4);
      expect(r.err).toBe(`error: ${flag} ${value}: nothing can be created in /proc\nhint: choose another path with ${flag}\n`);
    }
  }, 150_000);

  it.skipIf(!existsSync('/proc/self'))('calibrate -o, import -o, record --out and backtest --out under /proc: exit 4 at once (they reached the same endless mkdir)', async () => {
    const trace = path.join(dir, 'rec.jsonl');
    writeFileSync(trace, '{"arrival_ms":0,"route":"m","input_tokens":1,"output_tokens":1,"recorded":{"ok":true,"status":200,"latency_ms":5,"target":"a"}}\n');
    const cases: [string[], string][] = [
      [['calibrate', trace, '-o', '/proc/routebench-test/c.yaml'], '-o /proc/routebench-test/c.yaml'],
      [['import', trace, '--format', 'routebench', '-o', '/proc/routebench-test/t.jsonl'], '-o /proc/routebench-test/t.jsonl'],
      [['record', '--openai', 'http://127.0.0.1:1', '--port', '0', '--out', '/proc/routebench-test'], '--out /proc/routebench-test'],
    ];
    for (const [args, said] of cases) {
      const r = await cli(args);
      expect([args[0], r.code]).toEqual([args[0], 4]);
      expect(r.err).toContain(`error: ${said}: nothing can be created in /proc`);
    }
  }, 150_000);
});
