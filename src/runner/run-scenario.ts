/**
 * Runs every strategy of one scenario in simulate mode over one pass of the traffic: each batch
 * of requests is fed to every strategy's simulation in turn, so all of them see identical
 * traffic (read once, in constant memory) and the identical fault timeline. Rows stream to
 * DuckDB as they are produced. Ctrl-C (the AbortSignal) stops at the next batch: finished
 * requests are kept and the runs are marked `interrupted`.
 */
import { inputError } from '../errors.js';
import { AttemptRows } from '../engine/attempt-rows.js';
import { createMocks, planScenario, type PlanOptions, type ScenarioPlan } from '../engine/plan-scenario.js';
import { SimulatedRun } from '../engine/simulate.js';
import type { LoadedScenario } from '../scenario/load-scenario.js';
import type { Store } from '../store/open-store.js';
import { AttemptWriter } from '../store/write-attempts.js';
import type { ThresholdResult } from '../report/thresholds.js';
import { openTraffic, type TrafficOverrides } from '../traffic/open-traffic.js';
import type { RunEnvironment } from './run-environment.js';
import { ABORT_CHECK_EVERY, AbortWatch } from './abort-watch.js';
import { EXTERNAL, EXTERNAL_NEEDS } from '../strategies/external.js';
import { concludeRun, createRunRecord, runGroupName, type RunResult } from './run-bookkeeping.js';

export type { RunResult };

export interface RunProgress {
  scenario: string;
  requests: number;
  trafficMs: number;
  /** Parallel suites: runs finished so far, of how many (the progress bar shows their share). */
  runsDone?: number;
  runsTotal?: number;
}

export interface RunScenarioOptions extends PlanOptions, TrafficOverrides {
  store: Store;
  env: RunEnvironment;
  signal?: AbortSignal;
  onProgress?: (p: RunProgress) => void;
  runGroup?: string;
}

export interface ScenarioResult {
  scenario: string;
  runGroup: string;
  runs: RunResult[];
  /** Strategies this mode cannot run (an external gateway in simulate), and why. */
  skipped?: { strategy: string; reason: string }[];
  skippedRows: number;
  skippedSamples: string[];
  interrupted: boolean;
  trafficDescription: string;
}

export async function runScenario(loaded: LoadedScenario, opts: RunScenarioOptions): Promise<ScenarioResult> {
  const plan = planScenario(loaded, opts);
  const { store, env } = opts;
  const traffic = openTraffic(loaded.scenario.traffic, plan.seed, { path: plan.tracePath, format: plan.traceFormat }, opts);
  const first = await traffic.batches.next();
  if (first.done || first.value.length === 0)
    throw inputError('TRAFFIC_EMPTY', `${loaded.file}: the traffic has no requests${plan.tracePath ? ` (${plan.tracePath}, after window and limit)` : ''}`, [], 'check the trace file, traffic.trace.start/end/limit, or the synthetic duration/count');

  const startedAt = env.wallClock();
  const runGroup = runGroupName(plan.name, startedAt, opts.runGroup);
  const writer = await AttemptWriter.open(store);
  const runs = [];
  const skipped = plan.strategies.filter((sp) => sp.use === EXTERNAL).map((sp) => ({ strategy: sp.label, reason: EXTERNAL_NEEDS }));
  for (const sp of plan.strategies) {
    if (sp.use === EXTERNAL) continue;
    const { runNo, runId } = await createRunRecord(store, { loaded, plan, strategy: sp, runGroup, startedAt, traffic: traffic.describe, mode: 'simulate', transport: 'in-process', env });
    const rows = new AttemptRows(runNo, (batch) => {
      writer.append(batch);
      return batch;
    });
    const built = sp.build();
    const sim = new SimulatedRun({ router: built.router, slotCount: built.slotCount, targets: plan.targets, mocks: createMocks(plan), maxAttempts: plan.defaults.maxAttempts, rows });
    runs.push({ sp, runNo, runId, rows, sim, watch: AbortWatch.of(sp.thresholds), aborted: undefined as ThresholdResult | undefined, abortedAtMs: 0 });
  }

  const t0 = env.monotonicMs();
  let requests = 0;
  let trafficMs = 0;
  let interrupted = false;
  let failure: unknown;
  try {
    let batch = first.value;
    for (let batches = 1; ; batches++) {
      for (const r of runs) if (!r.aborted) r.sim.feed(batch);
      requests += batch.length;
      trafficMs = batch[batch.length - 1]!.arrivalMs;
      opts.onProgress?.({ scenario: plan.name, requests, trafficMs });
      if (batches % ABORT_CHECK_EVERY === 0 && runs.some((r) => r.watch && !r.aborted)) {
        writer.flush();
        for (const r of runs) {
          if (!r.watch || r.aborted) continue;
          r.aborted = await r.watch.check(store, r.runNo, trafficMs);
          r.abortedAtMs = trafficMs;
        }
      }
      // Let signal handlers (Ctrl-C) and timers run: the simulation itself never waits on I/O.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (opts.signal?.aborted) {
        interrupted = true;
        break;
      }
      const next = await traffic.batches.next();
      if (next.done) break;
      batch = next.value;
    }
    if (!interrupted) for (const r of runs) if (!r.aborted) r.sim.drain();
  } catch (e) {
    failure = e;
    await traffic.batches.return(undefined).catch(() => undefined);
  }

  for (const r of runs) r.rows.end();
  writer.flush();
  writer.close();
  const wallMs = env.monotonicMs() - t0;
  const results: RunResult[] = [];
  const o = { failure, interrupted, skippedRows: traffic.stats.skippedRows, trafficMs, wallMs, finishedAt: env.wallClock() };
  for (const r of runs) results.push(await concludeRun(store, { runNo: r.runNo, runId: r.runId, strategy: r.sp, rows: r.rows, aborted: r.aborted, abortedAtMs: r.abortedAtMs }, o));
  if (failure) {
    await store.checkpoint();
    throw failure;
  }
  await store.checkpoint();
  return {
    scenario: plan.name,
    runGroup,
    runs: results,
    skipped,
    skippedRows: traffic.stats.skippedRows,
    skippedSamples: traffic.stats.skippedSamples,
    interrupted,
    trafficDescription: traffic.describe,
  };
}

export type { ScenarioPlan };
