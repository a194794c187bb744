/**
 * Every failure a user can cause or meet gets its documented exit code and a plain message (what,
 * where, what to do), never "this is a bug" or a stack trace. Each case runs the real CLI in a
 * child process, as a user or CI would (exit codes, closed pipes and signals are process facts).
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-exit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => path.join(dir, name);

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; `closeStdout` hangs up on its output at once, as `| head -1` does once it has its line. */
export function cli(args: string[], opts: { closeStdout?: boolean } = {}): Promise<Ran> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/cli-entry.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  if (opts.closeStdout) child.stdout.destroy();
  else child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const SCENARIO = `name: exits
traffic: { synthetic: { arrival: { process: constant, rate_per_s: 10 }, count: 20 } }
targets: { a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } } }
strategies: { single: { use: single, options: { target: a } } }
`;

/** A folder this process cannot write: chmod for a normal user; for root (who ignores modes), a pseudo file system. */
function unwritableFolder(): string {
  if (process.getuid?.() === 0) return '/sys/routebench-out';
  const d = at('read-only');
  mkdirSync(d);
  chmodSync(d, 0o555);
  return path.join(d, 'reports');
}

/** A port something already listens on. */
let busyPort = 0;
const busy = net.createServer();
afterAll(() => busy.close());

beforeAll(async () => {
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  busyPort = (busy.address() as net.AddressInfo).port;
  writeFileSync(at('s.yaml'), SCENARIO);
  const io = memoryIo();
  expect(await runCli(['run', at('s.yaml'), '--db', at('good.duckdb'), '--out', at('reports')], io), io.stderr).toBe(0);
  const inst = await DuckDBInstance.create(at('foreign.duckdb'));
  const con = await inst.connect();
  await con.run(`CREATE TABLE runs (id INTEGER, owner VARCHAR); INSERT INTO runs VALUES (1, 'someone else')`);
  con.closeSync();
  inst.closeSync();
  writeFileSync(at('notes.txt'), 'not a database\n'.repeat(100));
}, 60_000);

const UNTOUCHED = /is not a routebench results file: .*; it was left untouched\nhint: point --db at a results file written by routebench, or at a new path/;

/** [what, exit code, argv, stderr pattern] */
const CASES: [string, number, () => string[], RegExp][] = [
  ['run into a foreign DuckDB file', 2, () => ['run', at('s.yaml'), '--db', at('foreign.duckdb'), '--out', at('r')], UNTOUCHED],
  ['report on a foreign DuckDB file', 2, () => ['report', '--db', at('foreign.duckdb'), '--out', at('r')], UNTOUCHED],
  ['compare on a foreign DuckDB file', 2, () => ['compare', 'a', 'b', '--db', at('foreign.duckdb')], UNTOUCHED],
  ['export from a foreign DuckDB file', 2, () => ['export', '--parquet', at('p'), '--db', at('foreign.duckdb')], UNTOUCHED],
  ['merge into a foreign DuckDB file', 2, () => ['merge', at('good.duckdb'), '--db', at('foreign.duckdb')], UNTOUCHED],
  ['merge a good and a foreign source', 2, () => ['merge', at('good.duckdb'), at('foreign.duckdb'), '--db', at('merged.duckdb')], UNTOUCHED],
  ['report on a file that is not DuckDB', 2, () => ['report', '--db', at('notes.txt')], /error: .*notes\.txt is not a DuckDB database, so not a routebench results file; it was left untouched\nhint: /],
  ['report on a missing file', 2, () => ['report', '--db', at('missing.duckdb')], /error: no results file at .*missing\.duckdb\nhint: run `routebench run` first \(it creates the file\), or point --db at an existing results file/],
  ['run with --seed abc', 2, () => ['run', at('s.yaml'), '--seed', 'abc', '--db', at('x.duckdb'), '--out', at('r')], /error: --seed must be a whole number from 0 to 4294967295, got something that is not a number\nrun `routebench run --help` for usage/],
  ['serve with --port 99999', 2, () => ['serve', '--scenario', at('s.yaml'), '--strategy', 'single', '--port', '99999'], /error: --port must be a port number from 0 to 65535, got 99999/],
  ['mock-server with --port 99999', 2, () => ['mock-server', '--scenario', at('s.yaml'), '--port', '99999'], /error: --port must be a port number from 0 to 65535, got 99999/],
  // 192.0.2.1 is TEST-NET-1 (RFC 5737): documentation only, never an address of this machine.
  ['serve on an address this machine does not have', 4, () => ['serve', '--scenario', at('s.yaml'), '--strategy', 'single', '--host', '192.0.2.1', '--allow-remote', '--port', '0'], /error: .*192\.0\.2\.1.*\nhint: .*--host/],
  ['mock-server on an address this machine does not have', 4, () => ['mock-server', '--scenario', at('s.yaml'), '--host', '192.0.2.1', '--allow-remote', '--port', '0'], /error: this machine has no network interface with that address \(192\.0\.2\.1\)\nhint: use 127\.0\.0\.1, or an address of one of this machine's interfaces, with --host/],
  ['mock-server on a port in use', 4, () => ['mock-server', '--scenario', at('s.yaml'), '--port', String(busyPort)], /error: port \d+ is already in use\nhint: choose another --port, or stop what listens there/],
  ['run with an --out that cannot be written', 4, () => ['run', at('s.yaml'), '--db', at('y.duckdb'), '--out', unwritableFolder()], /error: --out .*: permission denied: cannot write .*\nhint: choose a location you can write to with --out, or fix its permissions/],
];

describe('exit codes and messages', () => {
  it.each(CASES)('%s → exit %i', async (_what, code, argv, stderr) => {
    const before = existsSync(at('foreign.duckdb')) ? { bytes: readFileSync(at('foreign.duckdb')).toString('base64'), mtime: statSync(at('foreign.duckdb')).mtimeMs } : undefined;
    const r = await cli(argv());
    expect(r.stderr).toMatch(stderr);
    expect(r.stderr).not.toMatch(/internal error|this is a bug|\n\s+at /);
    expect(r.code).toBe(code);
    // nothing routebench refused was written to
    expect({ bytes: readFileSync(at('foreign.duckdb')).toString('base64'), mtime: statSync(at('foreign.duckdb')).mtimeMs }).toEqual(before);
    expect(existsSync(at('merged.duckdb'))).toBe(false);
  }, 60_000);

  it.each([['list strategies'], ['list metrics'], ['--help'], ['run --help']])('`routebench %s` with its reader gone (| head -1) ends normally: exit 0, nothing on stderr', async (command) => {
    const r = await cli(command.split(' '), { closeStdout: true });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  }, 60_000);
});
