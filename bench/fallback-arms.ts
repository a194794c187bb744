/**
 * The arms of `simulate-fallback-1m`, in one fresh plain `node` process on the built package
 * (dist/), as an installed routebench runs, so its simulate worker starts from its own bundle
 * (dist/cli/worker-sim-worker.js). From the bench's own process the worker booted the TypeScript
 * sources through tsx's loader instead: ~780 ms for a 1,000-request run against ~290 ms built,
 * about half a second of every 1M-request run that no user pays.
 *   alone    the engine alone, rows built into batches and dropped (the ceiling)
 *   main     runScenario on the main thread, rows appended in turn (--workers 1)
 *   workers  the default: the engine in a worker thread, rows appended on the main thread
 *   thread   the engine alone in a fresh simulate worker, its batches dropped on arrival: the
 *            default arm without DuckDB, so workers ÷ thread is what persisting costs there and
 *            thread ÷ alone what a fresh thread (its boot, code not yet optimised) costs
 * All four run in the same process, alternating (alone, main, workers, thread; then the reverse), after
 * one discarded pass of each, so the machine's load hits them alike. `--tiny` (npm test's smoke
 * run) runs the same script on the sources under tsx.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeFileSync } from 'node:fs';
import type { CaseContext } from './case-registry.js';
import { ensureBuilt, nodeJson, rootUrl, scriptFile } from './util.js';

/**
 * argv: base URL of the modules (dist/ or src/), their extension, scenario file, scratch folder,
 * requests, runs. Prints { rate: { alone, main, workers, thread } (req/s, one per run), rows, workers }.
 */
const ARMS = `
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
const [, , base, ext, file, dir, n, r] = process.argv;
const requests = Number(n);
const mod = (rel) => import(new URL(rel + ext, base).href);
const { parseScenario } = await mod('scenario/load-scenario');
const { openStore } = await mod('store/open-store');
const { runScenario } = await mod('runner/run-scenario');
const { simulateJob } = await mod('runner/workers/simulate-job');
const { runSuiteParallel, defaultWorkers } = await mod('runner/workers/run-parallel');
const { runPool } = await mod('runner/workers/worker-pool');
// as \`routebench run\` does before it simulates
(await mod('runner/heap-growth')).boundHeapGrowth();
const text = readFileSync(file, 'utf8');
const loaded = parseScenario(text, file);
const labels = Object.keys(loaded.scenario.strategies);
const texts = new Map([[file, text]]);
const env = { wallClock: () => new Date(), monotonicMs: () => performance.now(), harnessVersion: 'bench', gitCommit: null, host: {} };
const workers = defaultWorkers();
const freshDb = () => {
  const f = path.join(dir, 'fallback.duckdb');
  rmSync(f, { force: true });
  rmSync(f + '.wal', { force: true });
  return f;
};
let rows = 0;
const arms = {
  alone: async () => {
    await simulateJob(loaded, { runs: labels.map((label, i) => ({ label, runNo: i + 1 })) }, { sink: () => (batch) => batch });
  },
  main: async (store) => {
    rows = (await runScenario(loaded, { store, env })).runs[0].attemptRows;
  },
  workers: async (store) => {
    await runSuiteParallel([{ loaded, labels }], { store, env, workers, texts });
  },
  thread: async () => {
    const job = { file, text, hash: loaded.hash, spec: { runs: labels.map((label, i) => ({ label, runNo: i + 1 })) } };
    const out = await runPool([job], { workers, onBatch: () => undefined });
    if (out.failure) throw out.failure.error;
  },
};
const rate = { alone: [], main: [], workers: [], thread: [] };
for (let i = -1; i < Number(r); i++) {
  const order = i % 2 === 0 ? ['alone', 'main', 'workers', 'thread'] : ['thread', 'workers', 'main', 'alone'];
  for (const arm of order) {
    globalThis.gc?.();
    const store = arm === 'main' || arm === 'workers' ? await openStore(freshDb()) : undefined;
    const t0 = performance.now();
    await arms[arm](store);
    const ms = performance.now() - t0;
    store?.close();
    // i = -1: the discarded pass (module loads, the first compilations)
    if (i >= 0) rate[arm].push((requests / ms) * 1000);
  }
}
process.stdout.write(JSON.stringify({ rate, rows, workers }) + '\\n');
`;

export interface FallbackArms {
  /** Requests per second, one figure per run, by arm. */
  rate: { alone: number[]; main: number[]; workers: number[]; thread: number[] };
  /** Attempt rows of one run. */
  rows: number;
  /** Worker threads of the default arm. */
  workers: number;
}

/** Every arm `ctx.runs` times in one process: the built package, or the sources under tsx when tiny. */
export function fallbackArms(ctx: CaseContext, yaml: string, requests: number): FallbackArms {
  const file = path.join(ctx.tmp, 'fallback.yaml');
  writeFileSync(file, yaml);
  const script = scriptFile(ctx.tmp, 'fallback-arms', ARMS);
  if (!ctx.tiny) ensureBuilt(ctx.root);
  const base = ctx.tiny ? pathToFileURL(path.join(ctx.root, 'src') + path.sep).href : new URL('dist/', rootUrl(ctx.root)).href;
  const args = [...(ctx.tiny ? ['--import', 'tsx'] : []), '--expose-gc', script, base, ctx.tiny ? '.ts' : '.js', file, ctx.tmp, String(requests), String(ctx.runs)];
  return nodeJson<FallbackArms>(args, { cwd: ctx.root, timeoutMs: 900_000, what: 'simulate-fallback arms' });
}
