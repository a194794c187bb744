/**
 * Replays a scenario through an `external` strategy: a real gateway, a black box whose upstreams
 * are the routebench mock server. Requests go to the gateway at their scheduled times; afterwards
 * the mock server's hit log tells which upstream calls the gateway made for each request, and
 * those become attempt rows beside the client's own view (attribute-hits.ts).
 */
import { environmentError } from '../errors.js';
import { AttemptRows } from '../engine/attempt-rows.js';
import { scheduleArrivals } from '../engine/arrival-scheduler.js';
import { attributeHits, type HitJson } from '../engine/attribute-hits.js';
import { ExternalRun } from '../engine/external-run.js';
import type { ScenarioPlan, StrategyPlan } from '../engine/plan-scenario.js';
import type { TargetPlan } from '../engine/plan-targets.js';
import type { LoadedScenario } from '../scenario/load-scenario.js';
import type { Store } from '../store/open-store.js';
import type { AttemptWriter } from '../store/write-attempts.js';
import { external } from '../strategies/external.js';
import { resolveGatewayEndpoint, type GatewayEndpointSpec } from '../transport/gateway-endpoint.js';
import { httpTransport } from '../transport/http-transport.js';
import type { Transport } from '../transport/transport.js';
import type { TrafficSource } from '../traffic/traffic-request.js';
import { concludeRun, type RunResult } from './run-bookkeeping.js';
import type { RunEnvironment } from './run-environment.js';

export interface ExternalOptions extends GatewayEndpointSpec {
  model?: string;
  timeout_ms: number;
}

export interface ExternalJob {
  loaded: LoadedScenario;
  plan: ScenarioPlan;
  strategy: StrategyPlan;
  /** The replay's transport to the mock server (its URL and run start). */
  mock: Transport;
  store: Store;
  writer: AttemptWriter;
  env: RunEnvironment;
  processEnv: Readonly<Record<string, string | undefined>>;
  timeScale: number;
  realNow: () => number;
  signal?: AbortSignal;
  onProgress?: (requests: number, trafficMs: number) => void;
}

/** The strategy's options with their defaults (the plan keeps them as written; validation already passed). */
const externalOptions = (sp: StrategyPlan) => external.options.parse(sp.options) as ExternalOptions;

/** Resolves the gateway endpoint before a run is recorded; a string says why the strategy is skipped. */
export function externalEndpoint(job: Pick<ExternalJob, 'loaded' | 'strategy' | 'processEnv'>) {
  const o = externalOptions(job.strategy);
  const endpoint = resolveGatewayEndpoint(o, job.loaded.dir, job.processEnv);
  return endpoint ?? `${o.url_env} is not set: export ${o.url_env}=<the gateway's base URL> to include this arm`;
}

export async function runExternal(job: ExternalJob, run: { runNo: number; runId: string }, traffic: { batches: TrafficSource; stats: { skippedRows: number } }): Promise<RunResult> {
  const { plan, strategy, timeScale, realNow } = job;
  const o = externalOptions(strategy);
  const endpoint = externalEndpoint(job);
  if (typeof endpoint === 'string') throw new Error(endpoint); // checked by the caller first
  if (!job.mock.mockUrl) throw environmentError('EXTERNAL_NEEDS_MOCK', 'the external strategy needs the mock server transport', 'run `routebench replay --transport mock-server`');
  const rows = new AttemptRows(run.runNo, (batch) => {
    job.writer.append(batch);
    return batch;
  });
  const gateway: TargetPlan = { ...plan.targets[0]!, index: -1, id: 'gateway', provider: 'gateway', model: o.model ?? plan.targets[0]!.model, dialect: endpoint.dialect, timeoutMs: o.timeout_ms, via: undefined, live: undefined };
  // A base URL with or without its /v1: the dialect's path (/v1/chat/completions, /v1/messages) is added.
  const base = endpoint.baseUrl.replace(/\/v1$/, '');
  const transport = httpTransport({ name: 'gateway', baseUrl: () => base, auth: () => endpoint.headers, realNow, timeScale, secrets: endpoint.secrets });
  const runKey = `r${run.runNo}-${run.runId.slice(-4)}`.replace(/[^\w.-]/g, '');
  const ext = new ExternalRun({ transport, gateway, runKey, timeScale, realNow });
  const t0 = realNow();
  try {
    await job.mock.startRun?.(runKey, timeScale);
    const unmarkedBefore = (await fetchHits(job.mock.mockUrl, 'unmarked')).length;
    ext.frame.start(realNow());
    const arrivals = await scheduleArrivals(traffic.batches, { realAt: (ms) => ext.frame.realAt(ms), arrive: (req) => ext.arrive(req) }, realNow, job.signal, (last) => job.onProgress?.(last.index + 1, last.arrivalMs));
    if (arrivals.interrupted) ext.abortAll();
    await ext.frame.drained();
    const hits = await fetchHits(job.mock.mockUrl, runKey);
    const unmarked = (await fetchHits(job.mock.mockUrl, 'unmarked')).length - unmarkedBefore;
    const seen = attributeHits(ext.calls, hits, plan.targets, timeScale, rows);
    rows.end();
    job.writer.flush();
    const notes = [
      scaleNote(timeScale),
      unmarked > 0 ? `${unmarked} upstream call(s) carried no routebench marker (the gateway dropped the x-routebench-* headers and rewrote the prompt): they could not be attributed` : '',
      seen.unmatchedHits > 0 ? `${seen.unmatchedHits} upstream call(s) named a request this run never sent` : '',
      seen.answeredWithoutUpstream > 0 ? `${seen.answeredWithoutUpstream} request(s) answered without any upstream call reaching the mock (a cache, or upstreams not pointed at the mock server)` : '',
    ].filter((s) => s !== '');
    return await concludeRun(
      job.store,
      { runNo: run.runNo, runId: run.runId, strategy, rows },
      { interrupted: arrivals.interrupted, note: notes.length > 0 ? notes.join('; ') : undefined, skippedRows: traffic.stats.skippedRows, trafficMs: ext.frame.now(), wallMs: realNow() - t0, finishedAt: job.env.wallClock() },
    );
  } catch (failure) {
    // A harness fault (the mock server went away): the run is recorded as failed, not left running.
    ext.abortAll();
    rows.end();
    job.writer.flush();
    await concludeRun(job.store, { runNo: run.runNo, runId: run.runId, strategy, rows }, { failure, interrupted: false, skippedRows: traffic.stats.skippedRows, trafficMs: ext.frame.now(), wallMs: realNow() - t0, finishedAt: job.env.wallClock() }).catch(() => undefined);
    throw failure;
  }
}

/**
 * A gateway's own timers (retry backoff, retry-after waits, request timeouts) run on the real
 * clock: replayed N× faster than recorded, each of them lasts N× longer in scenario time, so the
 * run's latency, wait and timeout behaviour is that of a gateway N× slower than the real one.
 */
export function scaleNote(timeScale: number): string {
  if (timeScale === 1) return '';
  return `replayed at --time-scale ${timeScale}, but the gateway's own timers (retry backoff, retry-after waits, request timeouts) run on the real clock, so in scenario time they last ${timeScale}× longer than configured: its latency, gateway_wait_ms and which calls time out are valid at time scale 1 only (replay it with --time-scale 1 to compare them)`;
}

async function fetchHits(mockUrl: string, run: string): Promise<HitJson[]> {
  const url = `${mockUrl.replace(/\/+$/, '')}/_routebench/hits?run=${encodeURIComponent(run)}`;
  try {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return (await res.json()) as HitJson[];
  } catch (e) {
    throw environmentError('MOCK_HITS', `cannot read the mock server's hit log at ${url}: ${(e as Error).message}`, 'the mock server must stay up for the whole replay');
  }
}
