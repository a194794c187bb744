/**
 * What worker threads buy, each arm against its own 1-worker run in the same bench run:
 *   parallel-4-strategies  one scenario, 4 strategies, 250k requests each: runScenario on the main
 *                          thread (what --workers 1 does) vs runSuiteParallel with 2 workers.
 *   default-suite          `routebench run scenarios/` (the built CLI; the sources in the smoke run) in a child process with
 *                          --workers <available parallelism> vs --workers 1: wall time (process
 *                          start to exit, reports included) and peak RSS.
 * Arms alternate within each run so machine load hits both alike. parallel-4-strategies also
 * reports each arm's CPU seconds: the whole process and the main thread (with workers, the
 * writer), so the workers' share is the difference.
 *
 * A full run measures the built package (dist/, built first when older than src/), as users run
 * it: each arm in a fresh `node` process with no TypeScript loader, so a worker thread starts from
 * plain JavaScript. From the sources every worker first starts tsx's loader (~0.25 s of CPU on
 * the worker and as much on a loader thread), which no installed routebench does. `--tiny` (the
 * smoke test) runs the sources in process, as before.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { openStore } from '../src/store/open-store.js';
import { runScenario } from '../src/runner/run-scenario.js';
import { runSuiteParallel } from '../src/runner/workers/run-parallel.js';
import type { CaseContext } from './case-registry.js';
import { builtArm, machineScaling, type ArmResult } from './parallel-arms.js';
import { ensureBuilt, freshDb, gc, median, stat } from './util.js';

export const SPEEDUP_TARGET = 1.7;

/** CPU seconds (user + system) of the calling thread, from /proc (Linux); NaN elsewhere. */
function threadCpuS(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}
export const SUITE_WALL_TARGET_S = 6;
export const SUITE_RSS_TARGET_MB = 400;

function fourStrategies(count: number): string {
  return `
name: bench-parallel
seed: 4
traffic:
  synthetic:
    arrival: { process: poisson, rate_per_s: 500 }
    count: ${count}
    stream: 0.5
targets:
  a: { provider: x, model: gpt-4o-mini, mock: { profile: flaky } }
  b: { provider: y, model: gpt-4o-mini, mock: { profile: typical } }
  c: { provider: z, model: gpt-4o-mini, mock: { profile: fast } }
strategies:
  fallback: { use: fallback, options: { targets: [a, b, c] } }
  weighted: { use: weighted, options: { targets: [{ target: a }, { target: b }, { target: c }], failover: true } }
  hedge: { use: hedge, options: { targets: [a, b] } }
  p2c: { use: p2c }
`;
}

/** One arm from the sources, in this process (the smoke run). */
async function sourceArm(ctx: CaseContext, text: string, file: string, workers: number): Promise<ArmResult> {
  const loaded = parseScenario(text, file);
  gc();
  const store = await openStore(freshDb(ctx.tmp, 'parallel'));
  const c0 = process.cpuUsage();
  const m0 = threadCpuS();
  const t0 = performance.now();
  if (workers === 1) await runScenario(loaded, { store, env: ctx.env });
  else await runSuiteParallel([{ loaded, labels: Object.keys(loaded.scenario.strategies) }], { store, env: ctx.env, workers, texts: new Map([[file, text]]) });
  const s = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const mainCpuS = threadCpuS() - m0;
  store.close();
  return { s, processCpuS: (c.user + c.system) / 1e6, mainCpuS };
}

export async function parallelFour(ctx: CaseContext): Promise<Record<string, unknown>> {
  const n = ctx.tiny ? 2000 : 250_000;
  const text = fourStrategies(n);
  const file = ctx.tiny ? 'bench/parallel.yaml' : path.join(ctx.tmp, 'parallel.yaml');
  if (!ctx.tiny) {
    ensureBuilt(ctx.root);
    writeFileSync(file, text);
  }
  const labels = Object.keys(parseScenario(text, file).scenario.strategies);
  const workers = 2;
  const one: number[] = [];
  const par: number[] = [];
  const scaling: number[] = [];
  // CPU seconds of the whole process and of the main thread (the writer, with workers) per arm.
  const cpu = { one: { process: [] as number[], main: [] as number[] }, par: { process: [] as number[], main: [] as number[] } };
  for (let i = 0; i < ctx.runs; i++) {
    // The first job of the parallel run: strategies dealt round-robin into `workers` jobs.
    if (!ctx.tiny) scaling.push(machineScaling(ctx, file, labels.filter((_, k) => k % workers === 0)));
    for (const arm of i % 2 === 0 ? ['one', 'par'] as const : ['par', 'one'] as const) {
      const w = arm === 'one' ? 1 : workers;
      const r = ctx.tiny ? await sourceArm(ctx, text, file, w) : builtArm(ctx, file, w);
      (arm === 'one' ? one : par).push(r.s);
      cpu[arm].process.push(r.processCpuS);
      cpu[arm].main.push(r.mainCpuS);
    }
  }
  const speedups = one.map((x, i) => x / par[i]!);
  const cpuStat = (a: { process: number[]; main: number[] }) => ({ processS: stat(a.process, 2), mainThreadS: Number.isNaN(a.main[0]) ? null : stat(a.main, 2) });
  const ceiling = scaling.length > 0 ? stat(scaling, 2) : null;
  return { code: ctx.tiny ? 'sources (tsx), in process' : 'built package (dist/), a node process per arm', requests: n, strategies: labels.length, workers, oneWorkerS: stat(one, 2), parallelS: stat(par, 2), speedup: stat(speedups, 2),
    machineScaling: ceiling, speedupOverMachine: ceiling === null ? null : Math.round((median(speedups) / ceiling.median) * 100) / 100, oneWorkerCpu: cpuStat(cpu.one), parallelCpu: cpuStat(cpu.par), target: SPEEDUP_TARGET, met: median(speedups) >= SPEEDUP_TARGET };
}

/** Preloaded into the built CLI's process: its peak RSS (worker threads included) at exit. */
const RSS_AT_EXIT = `data:text/javascript,${encodeURIComponent(
  "import { appendFileSync } from 'node:fs'; import { isMainThread } from 'node:worker_threads'; if (isMainThread) process.on('exit', () => appendFileSync(process.env.RB_BENCH_RSS_FILE, process.resourceUsage().maxRSS / 1024 + '\\n'));",
)}`;

function suiteRun(ctx: CaseContext, workers: number): { ms: number; peakRssMb: number; code: number } {
  const db = freshDb(ctx.tmp, `suite-${workers}`);
  const out = path.join(ctx.tmp, `suite-reports-${workers}`);
  rmSync(out, { recursive: true, force: true });
  if (!ctx.tiny) {
    // `routebench run scenarios/` as installed: the built CLI, process start to exit.
    const rssFile = path.join(ctx.tmp, 'suite-rss.txt');
    rmSync(rssFile, { force: true });
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--import', RSS_AT_EXIT, 'bin/routebench.js', 'run', 'scenarios', '--db', db, '--out', out, '--quiet', '--workers', String(workers)], {
      cwd: ctx.root, encoding: 'utf8', timeout: 600_000, maxBuffer: 1 << 20, env: { ...process.env, RB_BENCH_RSS_FILE: rssFile },
    });
    const ms = performance.now() - t0;
    if (r.status !== 0 && r.status !== 3) throw new Error(`routebench run --workers ${workers} exited ${r.status ?? r.signal}: ${r.stderr.slice(-2000)}`);
    return { ms, peakRssMb: Number(readFileSync(rssFile, 'utf8').trim()), code: r.status };
  }
  const args = ['--import', 'tsx', path.join(ctx.root, 'bench/suite-child.ts'), db, out, String(workers), path.join(ctx.root, 'scenarios'), ...(ctx.tiny ? ['--limit', '100'] : [])];
  const r = spawnSync(process.execPath, args, { cwd: ctx.root, encoding: 'utf8', timeout: 600_000, maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`suite child (--workers ${workers}) failed (${r.status ?? r.signal}): ${r.stderr.slice(-2000)}`);
  const line = JSON.parse(r.stdout.trim().split('\n').pop()!) as { ms: number; peakRssMb: number; code: number };
  if (line.code !== 0 && line.code !== 3) throw new Error(`routebench run --workers ${workers} exited ${line.code}: ${r.stderr.slice(-2000)}`);
  return line;
}

export async function defaultSuite(ctx: CaseContext): Promise<Record<string, unknown>> {
  const workers = os.availableParallelism();
  if (!ctx.tiny) {
    ensureBuilt(ctx.root);
    suiteRun(ctx, workers); // warm-up: the OS file cache
  }
  const one: ReturnType<typeof suiteRun>[] = [];
  const par: ReturnType<typeof suiteRun>[] = [];
  for (let i = 0; i < ctx.runs; i++) {
    for (const arm of i % 2 === 0 ? ['par', 'one'] : ['one', 'par']) (arm === 'one' ? one : par).push(suiteRun(ctx, arm === 'one' ? 1 : workers));
  }
  const wall = par.map((r) => r.ms / 1000);
  const rss = par.map((r) => r.peakRssMb);
  return {
    code: ctx.tiny ? 'sources (tsx)' : 'built CLI (node bin/routebench.js)',
    workers,
    wallS: stat(wall, 2),
    oneWorkerWallS: stat(one.map((r) => r.ms / 1000), 2),
    speedup: stat(one.map((r, i) => r.ms / par[i]!.ms), 2),
    peakRssMb: stat(rss),
    oneWorkerPeakRssMb: stat(one.map((r) => r.peakRssMb)),
    exitCodes: [...new Set([...one, ...par].map((r) => r.code))],
    target: SUITE_WALL_TARGET_S,
    met: median(wall) <= SUITE_WALL_TARGET_S,
    rssTarget: SUITE_RSS_TARGET_MB,
    rssMet: median(rss) <= SUITE_RSS_TARGET_MB,
  };
}
