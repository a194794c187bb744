/**
 * Runs every strategy of one scenario in replay mode: real time (sped up by `timeScale`), real
 * HTTP through a transport. Strategies run one after another, each against fresh mock state and
 * the same traffic, so they never share a provider's rate limits or each other's load.
 * A live run is bounded by a spend cap (spend-cap.ts): one ledger across every strategy, worst
 * case reserved before each attempt, so billed spend never passes `maxCostUsd`.
 */
import { inputError } from '../errors.js';
import { AttemptRows } from '../engine/attempt-rows.js';
import { costUsd } from '../engine/billing.js';
import { checkTimeScale } from '../engine/time-scale.js';
import { planScenario, type PlanOptions } from '../engine/plan-scenario.js';
import { ReplayRun } from '../engine/replay.js';
import { scheduleArrivals } from '../engine/arrival-scheduler.js';
import type { LoadedScenario } from '../scenario/load-scenario.js';
import type { Store } from '../store/open-store.js';
import { AttemptWriter } from '../store/write-attempts.js';
import { openTraffic, type TrafficOverrides } from '../traffic/open-traffic.js';
import type { TrafficRequest } from '../traffic/traffic-request.js';
import { createTransport, type TransportKind } from './create-transport.js';
import { SpendCap } from './spend-cap.js';
import { externalEndpoint, runExternal } from './run-external.js';
import { EXTERNAL } from '../strategies/external.js';
import type { RunEnvironment } from './run-environment.js';
import { concludeRun, createRunRecord, runGroupName, type RunResult } from './run-bookkeeping.js';
import type { RunProgress, ScenarioResult } from './run-scenario.js';

export interface ReplayOptions extends PlanOptions, TrafficOverrides {
  store: Store;
  env: RunEnvironment;
  transport: TransportKind;
  timeScale: number;
  realNow: () => number;
  processEnv: Readonly<Record<string, string | undefined>>;
  mockUrl?: string;
  /** Live runs: stop before billed spend would pass this (one ledger for the whole call). */
  maxCostUsd?: number;
  /** A ledger shared by several replayScenario calls (the CLI's one per invocation); else one per call from maxCostUsd. */
  spendCap?: SpendCap;
  signal?: AbortSignal;
  onProgress?: (p: RunProgress) => void;
  runGroup?: string;
}

/** Upper-bound cost of a request on a target: the whole prompt and output at its prices. */
export function estimateCost(req: TrafficRequest, price: { input: number; output: number; cached_input: number }): number {
  return costUsd(price, req.inputTokens, req.cachedTokens, req.outputTokens);
}

export async function replayScenario(loaded: LoadedScenario, opts: ReplayOptions): Promise<ScenarioResult> {
  const plan = planScenario(loaded, opts);
  checkTimeScale(opts.timeScale);
  if (opts.transport === 'live' && !(opts.maxCostUsd! > 0))
    throw inputError('LIVE_NEEDS_CAP', 'a live replay spends real money: give --max-cost-usd <USD> (a hard cap), or use --dry-run to see the projected cost', [], 'replay --transport live --max-cost-usd 5');
  const { store, env } = opts;
  const transport = await createTransport(plan, { kind: opts.transport, timeScale: opts.timeScale, realNow: opts.realNow, mockUrl: opts.mockUrl, env: opts.processEnv });
  const startedAt = env.wallClock();
  const runGroup = runGroupName(plan.name, startedAt, opts.runGroup);
  const writer = await AttemptWriter.open(store);
  const results: RunResult[] = [];
  let interrupted = false;
  let skipped = 0;
  let samples: string[] = [];
  let describe = '';
  const cap = opts.spendCap ?? (opts.maxCostUsd !== undefined ? new SpendCap(opts.maxCostUsd) : undefined);
  const maxPrice = (req: TrafficRequest) => Math.max(...plan.targets.map((t) => estimateCost(req, t.price)));
  const skippedArms: { strategy: string; reason: string }[] = [];
  try {
    for (const sp of plan.strategies) {
      // Ctrl-C before this strategy started: the ones left are not run, and the replay says it was interrupted.
      if (opts.signal?.aborted) {
        interrupted = true;
        break;
      }
      const external = sp.use === EXTERNAL;
      if (external) {
        const why = opts.transport !== 'mock-server' ? `an external gateway's upstreams must be the mock server: use --transport mock-server, not ${opts.transport}` : externalEndpoint({ loaded, strategy: sp, processEnv: opts.processEnv });
        if (typeof why === 'string') {
          skippedArms.push({ strategy: sp.label, reason: why });
          continue;
        }
      }
      const traffic = openTraffic(loaded.scenario.traffic, plan.seed, { path: plan.tracePath, format: plan.traceFormat }, opts);
      describe = traffic.describe;
      const { runNo, runId } = await createRunRecord(store, { loaded, plan, strategy: sp, runGroup, startedAt, traffic: traffic.describe, mode: 'replay', transport: external ? 'gateway' : opts.transport, env, timeScale: opts.timeScale });
      if (external) {
        const job = { loaded, plan, strategy: sp, mock: transport, store, writer, env, processEnv: opts.processEnv, timeScale: opts.timeScale, realNow: opts.realNow, signal: opts.signal };
        const result = await runExternal({ ...job, onProgress: (requests, trafficMs) => opts.onProgress?.({ scenario: plan.name, requests, trafficMs }) }, { runNo, runId }, traffic);
        results.push(result);
        interrupted ||= result.status === 'interrupted';
        skipped = traffic.stats.skippedRows;
        samples = traffic.stats.skippedSamples;
        continue;
      }
      const rows = new AttemptRows(runNo, (batch) => {
        writer.append(batch);
        return batch;
      });
      let t0 = opts.realNow();
      let run: ReplayRun | undefined;
      try {
        const built = sp.build();
        const runKey = `r${runNo}-${runId.slice(-4)}`.replace(/[^\w.-]/g, '');
        const stop = new AbortController();
        run = new ReplayRun({ router: built.router, slotCount: built.slotCount, targets: plan.targets, maxAttempts: plan.defaults.maxAttempts, rows, transport, runKey, timeScale: opts.timeScale, realNow: opts.realNow, spendGate: cap, onFailure: () => stop.abort() });
        const replay = run;
        await transport.startRun?.(runKey, opts.timeScale);
        // Connections to the mock server opened now, not by the first arrivals (no provider call).
        await transport.prepare?.();
        const onAbort = () => stop.abort();
        opts.signal?.addEventListener('abort', onAbort);
        // A Ctrl-C while the run was being set up (its record, the transport's run start) came
        // before this listener: without this the run went on through all of its traffic.
        if (opts.signal?.aborted) stop.abort();
        // The run's clock starts now, set up and with the mock's clock started: the setup (the
        // transport's run start is an HTTP round trip, the first in the process loads fetch) counted
        // as lag for the first arrivals (~140 ms warm, ~600 ms cold at 5,000 req/s).
        t0 = opts.realNow();
        replay.start(t0);
        const arrivals = await scheduleArrivals(
          traffic.batches,
          {
            realAt: (ms) => replay.realAt(ms),
            inFlight: () => replay.inFlight(),
            nextActivity: (wake) => replay.nextActivity(wake),
            arrive: (req) => {
              // The cap stops admitting requests once anything was refused, or when this one's worst case does not fit.
              if (cap && (cap.reachedBy !== undefined || !cap.fits(maxPrice(req)))) {
                cap.refuseRequest();
                stop.abort();
                return;
              }
              replay.arrive(req);
            },
          },
          opts.realNow,
          stop.signal,
          (last) => opts.onProgress?.({ scenario: plan.name, requests: last.index + 1, trafficMs: last.arrivalMs }),
        );
        opts.signal?.removeEventListener('abort', onAbort);
        const capped = cap?.reachedBy !== undefined;
        const cut = arrivals.interrupted && !capped;
        if (cut) replay.abortAll();
        else await replay.drained();
        if (replay.failure) throw replay.failure;
        rows.end();
        writer.flush();
        skipped = traffic.stats.skippedRows;
        samples = traffic.stats.skippedSamples;
        interrupted ||= cut;
        results.push(
          await concludeRun(
            store,
            { runNo, runId, strategy: sp, rows },
            { interrupted: cut || capped, note: capped ? cap!.note() : undefined, skippedRows: skipped, trafficMs: replay.now(), wallMs: opts.realNow() - t0, finishedAt: env.wallClock() },
          ),
        );
      } catch (failure) {
        // A harness fault (transport, strategy bug): the run is recorded as failed, not left running.
        run?.abortAll();
        rows.end();
        writer.flush();
        await concludeRun(store, { runNo, runId, strategy: sp, rows }, { failure, interrupted: false, skippedRows: traffic.stats.skippedRows, trafficMs: run?.now() ?? 0, wallMs: opts.realNow() - t0, finishedAt: env.wallClock() }).catch(
          () => undefined, // the original failure is the one to report
        );
        throw failure;
      }
    }
  } finally {
    writer.close();
    await transport.close();
  }
  await store.checkpoint();
  return { scenario: plan.name, runGroup, runs: results, skipped: skippedArms, skippedRows: skipped, skippedSamples: samples, interrupted, trafficDescription: `${describe} · replay over ${opts.transport}${opts.timeScale !== 1 ? ` at ${opts.timeScale}× speed` : ''}` };
}
