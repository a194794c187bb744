/**
 * One simulate job without a store: some strategies of one scenario run over one pass of its
 * traffic, each run's full row batches handed to a sink. A run is a pure function of (scenario,
 * strategy, seed): the same rows come out here, in a worker thread, as from `runScenario` on the
 * main thread, whichever other strategies share the pass. Used by the worker threads of a
 * parallel run and by the bench's engine-alone ceiling (a sink that drops the rows).
 */
import { inputError } from '../../errors.js';
import { AttemptRows, type BatchSink } from '../../engine/attempt-rows.js';
import { createMocks, planScenario } from '../../engine/plan-scenario.js';
import { SimulatedRun } from '../../engine/simulate.js';
import type { LoadedScenario } from '../../scenario/load-scenario.js';
import { openTraffic } from '../../traffic/open-traffic.js';
import type { Tags } from '../../traffic/traffic-request.js';

export interface JobSpec {
  /** Strategy labels to run, each with the run number its rows carry. */
  runs: { label: string; runNo: number }[];
  seed?: number;
  limit?: number;
  onBadRow?: 'fail' | 'skip';
}

export interface JobRun {
  runNo: number;
  label: string;
  requests: number;
  rows: number;
  reasons: string[];
  tagsets: Tags[];
  routes: string[];
}

export interface JobResult {
  runs: JobRun[];
  trafficMs: number;
  skippedRows: number;
  skippedSamples: string[];
  interrupted: boolean;
  describe: string;
  wallMs: number;
}

export interface JobHooks {
  /** Where each run's full batches go (called with the run number). */
  sink(runNo: number): BatchSink;
  /** Checked between traffic batches: true stops the job (Ctrl-C); finished requests are kept. */
  stopped?(): boolean;
  /** Yields between traffic batches (lets messages and signals through). */
  yieldEvery?(): Promise<void>;
}

export async function simulateJob(loaded: LoadedScenario, spec: JobSpec, hooks: JobHooks): Promise<JobResult> {
  const labels = spec.runs.map((r) => r.label);
  const plan = planScenario(loaded, { seed: spec.seed, only: labels });
  const traffic = openTraffic(loaded.scenario.traffic, plan.seed, { path: plan.tracePath, format: plan.traceFormat }, { limit: spec.limit, onBadRow: spec.onBadRow });
  const t0 = performance.now();
  const runs = spec.runs.map(({ label, runNo }) => {
    const sp = plan.strategies.find((s) => s.label === label);
    if (!sp) throw new Error(`simulate job: strategy "${label}" is not in ${loaded.file}`);
    const rows = new AttemptRows(runNo, hooks.sink(runNo));
    const built = sp.build();
    const sim = new SimulatedRun({ router: built.router, slotCount: built.slotCount, targets: plan.targets, mocks: createMocks(plan), maxAttempts: plan.defaults.maxAttempts, rows });
    return { label, runNo, rows, sim };
  });
  let trafficMs = 0;
  let interrupted = false;
  let requests = 0;
  try {
    for await (const batch of traffic.batches) {
      if (batch.length === 0) continue;
      for (const r of runs) r.sim.feed(batch);
      requests += batch.length;
      trafficMs = batch[batch.length - 1]!.arrivalMs;
      if (hooks.yieldEvery) await hooks.yieldEvery();
      if (hooks.stopped?.()) {
        interrupted = true;
        break;
      }
    }
  } finally {
    if (interrupted) await traffic.batches.return(undefined).catch(() => undefined);
  }
  if (requests === 0)
    throw inputError('TRAFFIC_EMPTY', `${loaded.file}: the traffic has no requests${plan.tracePath ? ` (${plan.tracePath}, after window and limit)` : ''}`, [], 'check the trace file, traffic.trace.start/end/limit, or the synthetic duration/count');
  if (!interrupted) for (const r of runs) r.sim.drain();
  for (const r of runs) r.rows.end();
  return {
    runs: runs.map((r) => ({ runNo: r.runNo, label: r.label, requests: r.rows.requests, rows: r.rows.rows, reasons: r.rows.dict.reasons.values, tagsets: r.rows.dict.tagsets.values, routes: r.rows.dict.routes.values })),
    trafficMs,
    skippedRows: traffic.stats.skippedRows,
    skippedSamples: traffic.stats.skippedSamples,
    interrupted,
    describe: traffic.describe,
    wallMs: performance.now() - t0,
  };
}
