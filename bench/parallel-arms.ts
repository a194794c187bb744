/**
 * The arms of `parallel-4-strategies` that run on the built package (dist/), each in a fresh plain
 * `node` process from a .mjs file written to the bench's temporary folder (a file, not `-e`: worker
 * threads inherit the process's flags, and `--input-type` fails a worker): the scenario on 1 or N
 * workers, and the machine's own ceiling for two workers. Bounded: 10 minutes each.
 */
import type { CaseContext } from './case-registry.js';
import { freshDb, nodeJson, rootUrl, scriptFile } from './util.js';

/**
 * One arm in a fresh plain `node` process on the built modules (dist/), run from a .mjs file: argv root URL, database,
 * scenario file, workers. Prints { s, processCpuS, mainCpuS } (the main thread's CPU from /proc).
 */
const BUILT_ARM = `
import { readFileSync } from 'node:fs';
const [, , root, db, file, w] = process.argv;
const workers = Number(w);
const dist = (rel) => import(new URL('dist/' + rel, root).href);
const { parseScenario } = await dist('scenario/load-scenario.js');
const { openStore } = await dist('store/open-store.js');
const { runScenario } = await dist('runner/run-scenario.js');
const { runSuiteParallel } = await dist('runner/workers/run-parallel.js');
// as \`routebench run\` does before it simulates
(await dist('runner/heap-growth.js')).boundHeapGrowth();
const threadCpuS = () => { try { const t = readFileSync('/proc/thread-self/stat', 'utf8'); const f = t.slice(t.lastIndexOf(')') + 2).split(' '); return (Number(f[11]) + Number(f[12])) / 100; } catch { return NaN; } };
const text = readFileSync(file, 'utf8');
const loaded = parseScenario(text, file);
const env = { wallClock: () => new Date(), monotonicMs: () => performance.now(), harnessVersion: 'bench', gitCommit: null, host: {} };
const store = await openStore(db);
const c0 = process.cpuUsage();
const m0 = threadCpuS();
const t0 = performance.now();
if (workers === 1) await runScenario(loaded, { store, env });
else await runSuiteParallel([{ loaded, labels: Object.keys(loaded.scenario.strategies) }], { store, env, workers, texts: new Map([[file, text]]) });
const s = (performance.now() - t0) / 1000;
const c = process.cpuUsage(c0);
const mainCpuS = threadCpuS() - m0;
store.close();
process.stdout.write(JSON.stringify({ s, processCpuS: (c.user + c.system) / 1e6, mainCpuS }) + '\\n');
`;

export type ArmResult = { s: number; processCpuS: number; mainCpuS: number };

/**
 * The machine's own ceiling for two workers: one simulate job (the first half of the strategies,
 * as the parallel run deals them) alone in a worker thread, then two independent copies of it at
 * once, rows dropped (no DuckDB, no main-thread work, nothing shared). 2 × alone ÷ both is the
 * throughput two cores give this workload here: caches, memory bandwidth and the host's other
 * tenants shared. argv: root URL, scenario file, labels (comma-separated). Prints { aloneS, bothS }.
 */
const SCALING_ARM = `
import { readFileSync } from 'node:fs';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
if (!isMainThread) {
  const { root, file, labels } = workerData;
  const { parseScenario } = await import(new URL('dist/scenario/load-scenario.js', root).href);
  const { simulateJob } = await import(new URL('dist/runner/workers/simulate-job.js', root).href);
  const loaded = parseScenario(readFileSync(file, 'utf8'), file);
  await simulateJob(loaded, { runs: labels.map((label, i) => ({ label, runNo: i + 1 })) }, { sink: () => (batch) => batch });
  parentPort.postMessage('done');
} else {
  const [, , root, file, list] = process.argv;
  const job = () => new Promise((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url), { workerData: { root, file, labels: list.split(',') } });
    w.once('message', resolve);
    w.once('error', reject);
  });
  let t0 = performance.now();
  await job();
  const aloneS = (performance.now() - t0) / 1000;
  t0 = performance.now();
  await Promise.all([job(), job()]);
  const bothS = (performance.now() - t0) / 1000;
  process.stdout.write(JSON.stringify({ aloneS, bothS }) + '\\n');
}
`;

/** 2 × (one job alone) ÷ (two copies at once), each job started in its own worker as routebench's are. */
export function machineScaling(ctx: CaseContext, file: string, labels: string[]): number {
  const script = scriptFile(ctx.tmp, 'scaling-arm', SCALING_ARM);
  const { aloneS, bothS } = nodeJson<{ aloneS: number; bothS: number }>([script, rootUrl(ctx.root), file, labels.join(',')], { cwd: ctx.root, timeoutMs: 600_000, what: 'scaling arm' });
  return (2 * aloneS) / bothS;
}

/** One arm on the built package, in its own process (bounded: 10 minutes). */
export function builtArm(ctx: CaseContext, file: string, workers: number): ArmResult {
  const script = scriptFile(ctx.tmp, 'parallel-arm', BUILT_ARM);
  return nodeJson<ArmResult>([script, rootUrl(ctx.root), freshDb(ctx.tmp, 'parallel'), file, String(workers)], { cwd: ctx.root, timeoutMs: 600_000, what: `parallel arm (--workers ${workers})` });
}
