/**
 * `routebench run --workers N`: the scenario × strategy runs of a suite simulated in worker
 * threads; a scenario's runs are dealt into at most N jobs, each reading the traffic once. Before any worker starts, the main thread creates every run record
 * in suite order (scenario order, then strategy order), so run numbers and ids are the same
 * whichever worker finishes first. Rows come back as transferred column buffers and go through
 * the one AttemptWriter on the main thread; each run is concluded (dictionaries, status,
 * thresholds) in suite order once every job has ended. A run's rows are a pure function of
 * (scenario, strategy, seed), so the attempts are identical to a sequential run's.
 *
 * Runs with abort_on_fail thresholds read their own rows from DuckDB mid-run; their scenarios
 * run on the main thread through runScenario, after the workers, so their runs follow in order.
 */
import os from 'node:os';
import { planScenario } from '../../engine/plan-scenario.js';
import type { LoadedScenario } from '../../scenario/load-scenario.js';
import { AttemptWriter } from '../../store/write-attempts.js';
import { openTraffic } from '../../traffic/open-traffic.js';
import { EXTERNAL, EXTERNAL_NEEDS } from '../../strategies/external.js';
import { AbortWatch } from '../abort-watch.js';
import { inputError } from '../../errors.js';
import { concludeRun, createRunRecord, runGroupName, type RunResult } from '../run-bookkeeping.js';
import { runScenario, type RunScenarioOptions, type ScenarioResult } from '../run-scenario.js';
import { runPool, type PoolJob } from './worker-pool.js';
import type { JobResult } from './simulate-job.js';
import { count } from '../../plural.js';

export interface SuiteItem {
  loaded: LoadedScenario;
  labels: string[];
  /** The run group to use (default: <scenario>-<start time>). */
  runGroup?: string;
}

export type ParallelOptions = Omit<RunScenarioOptions, 'only' | 'runGroup'> & {
  workers: number;
  /** Scenario text by file, when the files are not on disk (tests, bench). */
  texts?: ReadonlyMap<string, string>;
};

/** Worker threads to use when not told: one per core the process may use. */
export const defaultWorkers = () => os.availableParallelism();

interface Planned {
  item: SuiteItem;
  main: boolean;
  runGroup: string;
  describe: string;
  skipped: { strategy: string; reason: string }[];
  runs: { label: string; runNo: number; runId: string; job: number; strategy: ReturnType<typeof planScenario>['strategies'][number] }[];
}

/** Results by item index; undefined for a scenario never started (Ctrl-C came first). */
export async function runSuiteParallel(items: readonly SuiteItem[], opts: ParallelOptions): Promise<(ScenarioResult | undefined)[]> {
  const { store, env } = opts;
  const planned: Planned[] = [];
  const jobs: PoolJob[] = [];
  for (const item of items) {
    const plan = planScenario(item.loaded, { seed: opts.seed, only: item.labels });
    const main = plan.strategies.some((sp) => sp.use !== EXTERNAL && AbortWatch.of(sp.thresholds));
    const startedAt = env.wallClock();
    const p: Planned = { item, main, runGroup: runGroupName(plan.name, startedAt, item.runGroup), describe: '', skipped: [], runs: [] };
    planned.push(p);
    if (main) continue;
    p.skipped = plan.strategies.filter((sp) => sp.use === EXTERNAL).map((sp) => ({ strategy: sp.label, reason: EXTERNAL_NEEDS }));
    const traffic = openTraffic(item.loaded.scenario.traffic, plan.seed, { path: plan.tracePath, format: plan.traceFormat }, opts);
    p.describe = traffic.describe;
    // An empty traffic is refused before any run record exists (as the main-thread path does).
    const firstBatch = await traffic.batches.next();
    await traffic.batches.return(undefined).catch(() => undefined);
    if (firstBatch.done || firstBatch.value.length === 0)
      throw inputError('TRAFFIC_EMPTY', `${item.loaded.file}: the traffic has no requests${plan.tracePath ? ` (${plan.tracePath}, after window and limit)` : ''}`, [], 'check the trace file, traffic.trace.start/end/limit, or the synthetic duration/count');
    // The scenario's strategies dealt round-robin into at most `workers` jobs: a job reads or
    // generates the traffic once for all of its runs (the main thread does it once for all).
    const own = plan.strategies.filter((sp) => sp.use !== EXTERNAL);
    const groups = Math.max(1, Math.min(opts.workers, own.length));
    const first = jobs.length;
    for (let g = 0; g < groups; g++)
      jobs.push({ file: item.loaded.file, text: opts.texts?.get(item.loaded.file), hash: item.loaded.hash, spec: { runs: [], seed: opts.seed, limit: opts.limit, onBadRow: opts.onBadRow } });
    for (const [k, sp] of own.entries()) {
      const rec = await createRunRecord(store, { loaded: item.loaded, plan, strategy: sp, runGroup: p.runGroup, startedAt, traffic: p.describe, mode: 'simulate', transport: 'in-process', env });
      const job = first + (k % groups);
      p.runs.push({ label: sp.label, runNo: rec.runNo, runId: rec.runId, job, strategy: sp });
      jobs[job]!.spec.runs.push({ label: sp.label, runNo: rec.runNo });
    }
  }

  const runsTotal = jobs.reduce((sum, j) => sum + j.spec.runs.length, 0);
  const writer = await AttemptWriter.open(store);
  let requests = 0;
  let runsDone = 0;
  const outcome = await runPool(jobs, {
    workers: opts.workers,
    signal: opts.signal,
    onBatch: (batch) => writer.append(batch),
    onJobDone: (_i, r: JobResult) => {
      requests += r.runs.reduce((sum, x) => sum + x.requests, 0);
      runsDone += r.runs.length;
      opts.onProgress?.({ scenario: `${count(runsTotal, 'run')} on ${count(Math.min(opts.workers, jobs.length), 'worker')}`, requests, trafficMs: r.trafficMs, runsDone, runsTotal });
    },
  });
  writer.flush();
  writer.close();

  const out: ScenarioResult[] = [];
  const finishedAt = env.wallClock();
  for (const p of planned) {
    if (p.main) continue;
    const runs: RunResult[] = [];
    let interrupted = false;
    let skippedRows = 0;
    let skippedSamples: string[] = [];
    for (const r of p.runs) {
      const res = outcome.results[r.job];
      const jr = res?.runs.find((x) => x.runNo === r.runNo);
      const stopped = !res || res.interrupted;
      // A harness fault in any job stops the pool: every run it cut short failed with it (not interrupted).
      const failure = outcome.failure && (outcome.failure.index === r.job || stopped) ? outcome.failure.error : undefined;
      interrupted ||= stopped && !failure;
      skippedRows = res?.skippedRows ?? skippedRows;
      skippedSamples = res?.skippedSamples ?? skippedSamples;
      const rows = { requests: jr?.requests ?? 0, rows: jr?.rows ?? 0, dict: { reasons: { values: jr?.reasons ?? [] }, tagsets: { values: jr?.tagsets ?? [] }, routes: { values: jr?.routes ?? [] } } };
      const o = { failure: failure ?? (outcome.failure && !res ? outcome.failure.error : undefined), interrupted: stopped, skippedRows: res?.skippedRows ?? 0, trafficMs: res?.trafficMs ?? 0, wallMs: res?.wallMs ?? 0, finishedAt };
      runs.push(await concludeRun(store, { runNo: r.runNo, runId: r.runId, strategy: r.strategy, rows }, o));
    }
    out.push({ scenario: p.item.loaded.scenario.name, runGroup: p.runGroup, runs, skipped: p.skipped, skippedRows, skippedSamples, interrupted, trafficDescription: p.describe });
  }
  await store.checkpoint();
  if (outcome.failure) throw outcome.failure.error;

  // Scenarios with abort_on_fail thresholds: on this thread, in suite order, after the others.
  const results: (ScenarioResult | undefined)[] = [];
  let k = 0;
  for (const p of planned) {
    if (!p.main) {
      results.push(out[k++]!);
      continue;
    }
    results.push(opts.signal?.aborted ? undefined : await runScenario(p.item.loaded, { ...opts, only: p.item.labels, runGroup: p.item.runGroup }));
  }
  return results;
}
