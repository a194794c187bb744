/**
 * `--time-scale` out of range is a usage error (exit 2) in replay, serve and mock-server: Infinity
 * made every latency infinite (replay exited 3, thresholds failed), and a tiny scale made waits
 * longer than a Node timer holds, so a replay spun on 1 ms timers and never ended.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-time-scale-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = path.join(dir, 's.yaml');
writeFileSync(
  file,
  `name: scale
seed: 2
traffic:
  synthetic:
    arrival: { process: constant, rate_per_s: 5 }
    count: 3
    input_tokens: { dist: constant, value: 10 }
    output_tokens: { dist: constant, value: 2 }
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }
strategies:
  one: { use: single, options: { target: a }, thresholds: { p99_latency_ms: ['< 60000'] } }
`,
);

/** Runs the CLI; a command still running after 15 s (a server waiting, a replay that never ends) is interrupted and reported as 'still running'. */
async function cli(args: string[]): Promise<{ code: number | 'still running'; stderr: string }> {
  const io = memoryIo();
  const running = runCli(args, io);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still running'>((resolve) => (timer = setTimeout(() => resolve('still running'), 15_000)));
  const code = await Promise.race([running, late]);
  clearTimeout(timer);
  if (code === 'still running') {
    io.interrupt();
    await Promise.race([running, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  }
  return { code, stderr: io.stderr };
}

describe('--time-scale out of range', () => {
  it.each([
    ['replay', '1e400'],
    ['replay', '0.0001'],
    ['serve', '1e400'],
    ['mock-server', '0.0001'],
  ])('%s --time-scale %s: exit 2 naming the range', async (command, scale) => {
    const args =
      command === 'replay'
        ? ['replay', file, '--transport', 'mock-server', '--time-scale', scale, '--db', path.join(dir, `r-${scale}.duckdb`), '--out', path.join(dir, 'reports')]
        : command === 'serve'
          ? ['serve', '--scenario', file, '--strategy', 'one', '--port', '0', '--time-scale', scale]
          : ['mock-server', '--scenario', file, '--port', '0', '--time-scale', scale];
    const r = await cli(args);
    expect([r.code, r.stderr.split('\n')[0]]).toEqual([2, `error: --time-scale must be a finite number from 0.001 (1,000 times slower than the scenario) up, got ${Number(scale)}`]);
  });

  it('a large scale (1000) is accepted', async () => {
    // Without the latency threshold: at 1000x its 60 s is 60 real ms, which one slow call on a busy machine passes.
    const free = path.join(dir, 'free.yaml');
    writeFileSync(free, readFileSync(file, 'utf8').replace(", thresholds: { p99_latency_ms: ['< 60000'] }", ''));
    const r = await cli(['replay', free, '--transport', 'mock-server', '--time-scale', '1000', '--db', path.join(dir, 'ok.duckdb'), '--out', path.join(dir, 'reports')]);
    expect([r.code, r.stderr]).toEqual([0, '']);
  });
});
