/**
 * When an arm of `routebench load` cannot be started or measured, the command says why (the
 * child's own error line, not only "did not start"), marks the run failed instead of ok, keeps
 * stdout JSON-only under --json, and exits non-zero (4: the environment).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.js';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { HarnessError } from '../../src/errors.js';
import { childError, runClosedSweep } from '../../src/load/closed-loop.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-arm-failure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-c', '0', process.execPath, '-e', '0'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('a failing load arm', () => {
  it("childError picks the line of a child's stderr that names the error", () => {
    const stderr = `node:internal/modules/esm/resolve:873\n  throw new ERR_MODULE_NOT_FOUND(packageName, fileURLToPath(base), null);\n        ^\n\nError [ERR_MODULE_NOT_FOUND]: Cannot find package 'autocannon' imported from /x/dist/load/autocannon-child.js\n    at packageResolve (node:internal/modules/esm/resolve:873:9)\n`;
    expect(childError(stderr)).toBe("Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'autocannon' imported from /x/dist/load/autocannon-child.js");
    expect(childError('taskset: failed to set pid 1 affinity: Invalid argument\n')).toBe('taskset: failed to set pid 1 affinity: Invalid argument');
  });

  it.skipIf(!hasTaskset)('the autocannon child that cannot start is reported with what it printed', async () => {
    const req = { url: 'http://127.0.0.1:9/v1/chat/completions', headers: {}, body: '{}' } as unknown as Parameters<typeof runClosedSweep>[0];
    const failure = await runClosedSweep(req, [{ connections: 1, durationMs: 100, warmupMs: 0 }], 1000, { onStart: () => undefined, onDone: () => undefined }, { pinCpu: 4095 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(HarnessError);
    expect((failure as HarnessError).code).toBe('AUTOCANNON_FAILED');
    expect((failure as HarnessError).message).toMatch(/the autocannon process did not start: exited with code \d+ before it was ready: taskset: .*Invalid argument/);
  });

  it('exits 4, says which arm failed and why, and --json prints only a summary with status failed', async () => {
    const file = path.join(dir, 'load.yaml');
    const good = `name: arm-failure
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 1 } }
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, ttft_ms: { p50: 0.05, p99: 0.05 }, tokens_per_s: { p50: 1000, p99: 1000 } } }
strategies:
  s: { use: single, options: { target: a } }
load:
  arms:
    direct: { target: a }
    serve: { strategy: s }
  closed: { connections: [2], duration: 200ms, warmup: 100ms }
  open: { rates: [50], duration: 200ms, warmup: 100ms, timeout: 1s }
  overhead: { rounds: 10, warmup_rounds: 2, concurrency: [1], stream: [false] }
`;
    writeFileSync(file, good);
    // The serve arm's child reads the scenario again when it starts: break the file once the mock
    // server is up, so that child (and only that arm) fails with its own error message.
    const io = memoryIo();
    const wrapped: Io = {
      ...io,
      err: (t: string) => {
        io.err(t);
        if (t.includes('mock server on')) writeFileSync(file, `${good}strategies_typo: 1\n`);
      },
    };
    const code = await runCli(['load', file, '--json', '--mock-port', '0', '--db', path.join(dir, 'load.duckdb'), '--out', path.join(dir, 'reports')], wrapped);
    expect(code, io.stderr).toBe(4);
    const summary = JSON.parse(io.stdout) as { status: string; arms: { name: string; status: string; note?: string }[] };
    expect(summary.status).toBe('failed');
    expect(summary.arms.map((a) => [a.name, a.status])).toEqual([
      ['direct', 'ok'],
      ['serve', 'failed'],
    ]);
    expect(io.stderr).toMatch(/error: arm serve failed: `routebench serve` exited with code \d+ before it was ready: \S/);
    expect(io.stderr).toContain('1 of 2 arms failed');
  });
});
