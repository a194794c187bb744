/**
 * `cli-startup`: how long `routebench --help` and `routebench validate scenarios/quickstart.yaml`
 * take from process start to exit, on the built CLI (bin/routebench.js → the bundle in dist/cli/),
 * against the ceiling of a bare `node -e 0` start measured in the same run, the three arms
 * interleaved. Wall time per start, and the process's own CPU time (user + system, read at exit
 * by a preloaded module) as the figure that holds on a busy machine. Target ≤ 250 ms.
 *
 * A full run builds dist/ first (`npm run build`) unless the bundle is newer than every source
 * file; `--tiny` (the smoke test) runs the sources through tsx instead and never builds.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { CaseContext } from './case-registry.js';
import { ensureBuilt, median, round, stat } from './util.js';

export const STARTUP_TARGET_MS = 250;

const CPU_AT_EXIT = `data:text/javascript,${encodeURIComponent(
  "import { appendFileSync } from 'node:fs'; process.on('exit', () => { const u = process.cpuUsage(); appendFileSync(process.env.RB_BENCH_CPU_FILE, (u.user + u.system) / 1000 + '\\n'); });",
)}`;

interface Sample {
  wallMs: number;
  cpuMs: number;
}

function timeStart(ctx: CaseContext, args: string[], cpuFile: string): Sample {
  rmSync(cpuFile, { force: true });
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', CPU_AT_EXIT, ...args], {
    cwd: ctx.root,
    encoding: 'utf8',
    env: { ...process.env, RB_BENCH_CPU_FILE: cpuFile, NO_COLOR: '1' },
    timeout: 60_000,
  });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr.slice(-1000)}`);
  return { wallMs, cpuMs: Number(readFileSync(cpuFile, 'utf8').trim().split('\n').pop()) };
}

export async function cliStartup(ctx: CaseContext): Promise<Record<string, unknown>> {
  const cli = ctx.tiny ? ['--import', 'tsx', 'test/helpers/cli-entry.ts'] : ['bin/routebench.js'];
  if (!ctx.tiny) ensureBuilt(ctx.root);
  const arms: Record<string, string[]> = {
    node: ['-e', '0'],
    help: [...cli, '--help'],
    validate: [...cli, 'validate', 'scenarios/quickstart.yaml'],
  };
  const reps = ctx.tiny ? 1 : 10 * ctx.runs;
  const samples: Record<string, Sample[]> = { node: [], help: [], validate: [] };
  const cpuFile = path.join(ctx.tmp, 'startup-cpu.txt');
  const names = Object.keys(arms);
  for (let i = 0; i < reps; i++) {
    // rotate the order so that no arm always runs right after another
    for (let k = 0; k < names.length; k++) {
      const name = names[(i + k) % names.length]!;
      samples[name]!.push(timeStart(ctx, arms[name]!, cpuFile));
    }
  }
  const wall = (name: string) => stat(samples[name]!.map((s) => s.wallMs), 1);
  const cpu = (name: string) => stat(samples[name]!.map((s) => s.cpuMs), 1);
  const met = (name: string) => median(samples[name]!.map((s) => s.wallMs)) <= STARTUP_TARGET_MS;
  return {
    built: !ctx.tiny,
    starts: reps,
    nodeWallMs: wall('node'),
    nodeCpuMs: cpu('node'),
    helpWallMs: wall('help'),
    helpCpuMs: cpu('help'),
    validateWallMs: wall('validate'),
    validateCpuMs: cpu('validate'),
    validateOverNodeMs: round(median(samples.validate!.map((s) => s.wallMs)) - median(samples.node!.map((s) => s.wallMs)), 1),
    target: STARTUP_TARGET_MS,
    met: met('help') && met('validate'),
  };
}
