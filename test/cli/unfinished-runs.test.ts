/**
 * No run stays `running` after its process ends: a full disk ends the runs as `error` with exit 4
 * and a plain message, a second Ctrl-C ends them as `interrupted`. Both with the real CLI in a
 * child process.
 *
 * The full disk is a file-size limit (`ulimit -f`, POSIX: https://pubs.opengroup.org/onlinepubs/9799919799/utilities/ulimit.html)
 * with SIGXFSZ ignored, so a write past it fails with EFBIG exactly as a full disk fails with
 * ENOSPC: DuckDB reports "Could not write file ...", and the run must survive that.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { openStore } from '../../src/store/open-store.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-unfinished-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scenario(name: string, count: number): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
seed: 3
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 50 }, count: ${count}, tags: { team: { a: 1, b: 1 } } } }
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: flaky } }
  b: { provider: anthropic, model: claude-3-5-haiku }
strategies:
  single: { use: single, options: { target: a } }
  fallback: { use: fallback, options: { targets: [a, b] } }
  weighted: { use: weighted, options: { targets: [{ target: a, weight: 1 }, { target: b, weight: 1 }] } }
`,
  );
  return file;
}

async function statuses(db: string): Promise<{ status: string; error: string | null }[]> {
  // Read the table itself (catalog-qualified): the temporary abandoned view would hide a run left 'running'.
  const s = await openStore(db, { readOnly: true });
  try {
    const [{ db: catalog }] = await s.all<{ db: string }>('SELECT current_database() AS db');
    return await s.all(`SELECT status, error FROM "${catalog}".main.runs ORDER BY run_no`);
  } finally {
    s.close();
  }
}

describe.skipIf(process.platform === 'win32')('runs never left running', () => {
  it('a full disk (file-size limit) mid-run: exit 4, a plain message, every run ended as error', async () => {
    const db = path.join(dir, 'full.duckdb');
    const file = scenario('full', 150_000);
    // 2 MiB per file: the schema fits, the attempt rows do not.
    const child = spawn('bash', ['-c', `trap '' XFSZ; ulimit -f 2048; exec "$0" --import tsx test/helpers/cli-entry.ts run "$1" --db "$2" --out "$3"`, process.execPath, file, db, path.join(dir, 'reports')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    // In CI (CI=true) progress comes as plain lines on stderr before the error: only the error's lines are checked.
    expect(stderr.replace(/^\[.*\n/gm, '')).toMatch(/^error: a file-size limit was reached: cannot write .*full\.duckdb.*\nhint: raise the limit \(`ulimit -f`\), or write results elsewhere with --db \/ --out, and run again\n$/);
    expect(code).toBe(4);
    const runs = await statuses(db);
    expect(runs).toHaveLength(3);
    for (const r of runs) {
      expect(r.status).toBe('error');
      expect(r.error).toMatch(/^a file-size limit was reached: cannot write /);
    }
  }, 120_000);

  // It was an "internal error ... this is a bug" (exit 1) with DuckDB's advice for SQL users, and
  // the runs stayed `running`: marking them failed under the same limit.
  it('DuckDB out of memory under ROUTEBENCH_DUCKDB_MEMORY: exit 4, what to change, every run ended as error', async () => {
    const db = path.join(dir, 'oom.duckdb');
    const file = scenario('oom', 50_000);
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/cli-entry.ts', 'run', file, '--db', db, '--out', path.join(dir, 'reports')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ROUTEBENCH_DUCKDB_MEMORY: '8MB' },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr.replace(/^\[.*\n/gm, '')).toMatch(/^error: DuckDB ran out of memory under ROUTEBENCH_DUCKDB_MEMORY=8MB: .*\nhint: raise ROUTEBENCH_DUCKDB_MEMORY \(the default suite needs 128MB\) or unset it, and run again; runs that finished before are kept\n$/);
    expect(code).toBe(4);
    const runs = await statuses(db);
    expect(runs).toHaveLength(3);
    for (const r of runs) {
      expect(r.status).toBe('error');
      expect(r.error).toMatch(/^DuckDB ran out of memory under ROUTEBENCH_DUCKDB_MEMORY=8MB: /);
    }
  }, 120_000);

  it('a second Ctrl-C exits at once (130) and marks the runs it cut short interrupted', async () => {
    const db = path.join(dir, 'twice.duckdb');
    const file = scenario('twice', 3_000_000);
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/cli-entry.ts', 'run', file, '--db', db, '--out', path.join(dir, 'reports'), '--progress', '--workers', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!sent && / req(uests)? ·/.test(stderr)) {
        sent = true;
        // Two interrupts before the run can act on the first: SIGINT then SIGTERM, which the CLI
        // counts as one more Ctrl-C (two SIGINTs sent this close together may merge into one).
        child.kill('SIGINT');
        child.kill('SIGTERM');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toContain('second Ctrl-C: exiting now; unfinished runs are marked interrupted');
    expect(code).toBe(130);
    const runs = await statuses(db);
    expect(runs.map((r) => r.status)).toEqual(['interrupted', 'interrupted', 'interrupted']);
  }, 120_000);

  it('a run whose process was killed (SIGKILL: nothing can be written) is reported as abandoned, and compare refuses it', async () => {
    const db = path.join(dir, 'killed.duckdb');
    const file = scenario('killed', 3_000_000);
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/cli-entry.ts', 'run', file, '--db', db, '--out', path.join(dir, 'reports'), '--progress', '--workers', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/ req(uests)? ·/.test(stderr)) child.kill('SIGKILL');
    });
    await new Promise((resolve) => child.on('close', resolve));
    expect((await statuses(db)).map((r) => r.status)).toEqual(['running', 'running', 'running']);

    const report = memoryIo();
    expect(await runCli(['report', '--db', db, '--out', path.join(dir, 'killed-reports')], report), report.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(path.join(dir, 'killed-reports', 'killed', 'latest', 'summary.json'), 'utf8')) as { strategies: { status: string; note?: string }[] };
    expect(summary.strategies.map((s) => s.status)).toEqual(['abandoned', 'abandoned', 'abandoned']);
    expect(summary.strategies[0]!.note).toBe(`abandoned: its process (pid ${child.pid} on ${os.hostname()}) ended before the run finished`);

    const compare = memoryIo();
    expect(await runCli(['compare', '1', '2', '--db', db], compare)).toBe(2);
    expect(compare.stderr).toContain('abandoned');
    // reading changed nothing: the file still says running (a writer records abandoned)
    expect((await statuses(db)).map((r) => r.status)).toEqual(['running', 'running', 'running']);
  }, 120_000);
});
