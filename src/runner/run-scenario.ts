/**
 * Runs every strategy of one scenario in simulate mode over one pass of the traffic: each batch
 * of requests is fed to every strategy's simulation in turn, so all of them see identical
 * traffic (read once, in constant memory) and the identical fault timeline. Rows stream to
 * DuckDB as they are produced. Ctrl-C (the AbortSignal) stops at the next batch: finished
 * requests are kept and the runs are marked `interrupted`.
 */
import { HarnessError, inputError } from '../errors.js';
import { AttemptRows } from '../engine/attempt-rows.js';
import { createMocks, planScenario, type PlanOptions, type ScenarioPlan } from '../engine/plan-scenario.js';
import { SimulatedRun } from '../engine/simulate.js';
import type { LoadedScenario } from '../scenario/load-scenario.js';
import type { Store } from '../store/open-store.js';
import { createRun, finishRun, type RunStatus } from '../store/run-records.js';
import { AttemptWriter } from '../store/write-attempts.js';
import { evaluateThresholds, saveThresholdResults, type ThresholdResult } from '../report/thresholds.js';
import { openTraffic, type TrafficOverrides } from '../traffic/open-traffic.js';
import type { RunEnvironment } from './run-environment.js';
import { ABORT_CHECK_EVERY, AbortWatch } from './abort-watch.js';

export interface RunProgress {
  scenario: string;
  requests: number;
  trafficMs: number;
}

export interface RunScenarioOptions extends PlanOptions, TrafficOverrides {
  store: Store;
  env: RunEnvironment;
  signal?: AbortSignal;
  onProgress?: (p: RunProgress) => void;
  runGroup?: string;
}

export interface RunResult {
  runNo: number;
  runId: string;
  strategy: string;
  status: RunStatus;
  requests: number;
  attemptRows: number;
  thresholds: ThresholdResult[];
  /** Traffic time at which an abort_on_fail threshold stopped this run. */
  abortedAtMs?: number;
}

export interface ScenarioResult {
  scenario: string;
  runGroup: string;
  runs: RunResult[];
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
  const runGroup = opts.runGroup ?? `${plan.name}-${startedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
  const writer = await AttemptWriter.open(store);
  const runs = [];
  for (const sp of plan.strategies) {
    const { runNo, runId } = await createRun(
      store,
      {
        runGroup,
        scenario: plan.name,
        scenarioHash: loaded.hash,
        scenarioFile: loaded.file,
        scenarioDescription: loaded.scenario.description,
        traffic: traffic.describe,
        strategy: sp.label,
        strategyUse: sp.use,
        strategyOptions: sp.options,
        mode: 'simulate',
        transport: 'in-process',
        seed: plan.seed,
        startedAt,
        harnessVersion: env.harnessVersion,
        gitCommit: env.gitCommit,
        host: env.host,
        gateways: Object.fromEntries(plan.gateways.map((g) => [g.name, { billing: g.billing, added_latency_ms: g.addedLatencyMs ?? null, rate_limit: g.rateLimit ?? null }])),
      },
      plan.targets,
      plan.incidents,
    );
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
  for (const r of runs) {
    const status: RunStatus = failure ? 'error' : interrupted ? 'interrupted' : 'ok';
    await finishRun(
      store,
      r.runNo,
      { reasons: r.rows.dict.reasons.values, tagsets: r.rows.dict.tagsets.values, routes: r.rows.dict.routes.values },
      {
        status,
        requests: r.rows.requests,
        attemptRows: r.rows.rows,
        skippedRows: traffic.stats.skippedRows,
        trafficMs,
        wallMs,
        finishedAt: env.wallClock(),
        error: failure ? errorText(failure) : undefined,
      },
    );
    results.push({
      runNo: r.runNo,
      runId: r.runId,
      strategy: r.sp.label,
      status,
      requests: r.rows.requests,
      attemptRows: r.rows.rows,
      thresholds: [],
      abortedAtMs: r.aborted ? r.abortedAtMs : undefined,
    });
  }
  if (failure) {
    await store.checkpoint();
    throw failure;
  }
  for (const [i, r] of runs.entries()) {
    const res = results[i]!;
    res.thresholds = await evaluateThresholds(store, r.runNo, r.sp.thresholds);
    if (r.aborted) {
      // The threshold that stopped the run is reported as it stood then.
      const stopped = r.aborted;
      const i = res.thresholds.findIndex((t) => t.metric === stopped.metric && t.threshold === stopped.threshold);
      if (i >= 0) res.thresholds[i] = { ...stopped, abortedAtMs: r.abortedAtMs };
    }
    await saveThresholdResults(store, r.runNo, res.thresholds);
    if (res.status === 'ok' && (r.aborted || res.thresholds.some((t) => !t.passed))) {
      res.status = 'thresholds_failed';
      await store.run(`UPDATE runs SET status = 'thresholds_failed' WHERE run_no = ${r.runNo}`);
    }
  }
  await store.checkpoint();
  return {
    scenario: plan.name,
    runGroup,
    runs: results,
    skippedRows: traffic.stats.skippedRows,
    skippedSamples: traffic.stats.skippedSamples,
    interrupted,
    trafficDescription: traffic.describe,
  };
}

function errorText(e: unknown): string {
  return e instanceof HarnessError || e instanceof Error ? e.message : String(e);
}

export type { ScenarioPlan };
