/**
 * One `routebench load` run: start the scenario's mock server (its own process), start `routebench
 * serve` for serve arms, measure every arm (direct arms first: their capacity is the yardstick),
 * then derive from the stored rows the throughput frontier, the overhead intervals, the mock's
 * ceiling, the rig warnings and the generator's own ceiling. Children are always stopped; Ctrl-C
 * ends the run after the current point and keeps what was measured.
 */
import { HarnessError } from '../errors.js';
import type { ScenarioPlan } from '../engine/plan-scenario.js';
import { redact } from '../transport/redact.js';
import type { LoadSpec } from '../scenario/schema-load.js';
import type { Store } from '../store/open-store.js';
import { failLoadRun, finishLoadRun, insertFrontier, insertLoadRun, insertOverheadResults, loadPoints, type OverheadResultRow, type PointRow } from '../store/load-queries.js';
import { errorRate, throughputFrontier, type FrontierCell } from './frontier.js';
import { measureCapacity, measureOverhead, type ArmContext } from './measure-arm.js';
import { readMockStats, type MockStats } from './mock-stats.js';
import { overheadResults } from './overhead-results.js';
import type { ArmPlan, PlannedArms } from './plan-arms.js';
import type { ProcReader } from './proc-sampler.js';
import { checkRates, generatorSelfCheck } from './generator-check.js';
import { floorNote, generatorCeiling, mockBoundWarnings, mockCeilingFromPoints, pointLags, type GeneratorCeiling, type LagSample } from './rig-checks.js';
import { startMockProcess } from './start-mock.js';
import { ServeUnavailable, startServeProcess } from './start-serve.js';

export interface LoadRunOptions {
  store: Store;
  plan: ScenarioPlan;
  spec: LoadSpec;
  arms: PlannedArms;
  runId: string;
  mockPort: number;
  /** Pin the gateway (serve) to cpu1 and the mock and generators to cpu0. */
  pin: boolean;
  nowUs: () => number;
  wallClock: () => Date;
  reader: ProcReader;
  signal: AbortSignal;
  facts: { host: unknown; harnessVersion: string; gitCommit: string | null; loadAverage: number[] };
  /** Progress for the CLI to print. */
  events: Pick<ArmContext, 'onPoint' | 'onOverhead'> & { onMock(url: string, targets: string[]): void; onArm(arm: string, what: string): void; onGenerator(samples: LagSample[]): void };
}

export interface ArmOutcome {
  name: string;
  kind: ArmPlan['kind'];
  url: string | null;
  pid: number | null;
  status: 'ok' | 'failed' | 'skipped' | 'interrupted';
  note?: string;
  /** Gateway CPU per successful request (µs), over every point where it was measured. */
  cpuUsPerRequest: number | null;
  peakRssMb: number | null;
}

export interface LoadResult {
  runId: string;
  startedAt: Date;
  wallMs: number;
  /** failed: at least one arm could not be started or measured (its note says why). */
  status: 'ok' | 'failed' | 'interrupted';
  spec: LoadSpec;
  mock: { url: string; pid: number; ceilingRps: number | null; ceilingSource: 'mock' | 'proc' | null };
  arms: ArmOutcome[];
  points: PointRow[];
  frontier: FrontierCell[];
  overhead: OverheadResultRow[];
  warnings: string[];
  /** Facts about the rig worth reading before the numbers. */
  notes: string[];
  generator: {
    /** The scheduler alone (no network): its own ceiling, and the lag at each rate checked. */
    alone: GeneratorCeiling & { samples: (LagSample & { late: number; dropped: number })[] };
    /** From the arms' open-loop points (HTTP client and the arm sharing the cores). */
    withArms: GeneratorCeiling;
  };
}

export async function runLoad(o: LoadRunOptions): Promise<LoadResult> {
  const startedAt = o.wallClock();
  const t0 = o.nowUs();
  const { spec, plan, store } = o;
  const secrets = o.arms.arms.flatMap((a) => a.secrets);
  const outcomes: ArmOutcome[] = o.arms.skipped.map((s) => ({ name: s.arm, kind: 'external', url: null, pid: null, status: 'skipped', note: s.reason, cpuUsPerRequest: null, peakRssMb: null }));
  // What is written keeps no secret: env header values and anything that looks like a key are scrubbed.
  const written = JSON.parse(redact(JSON.stringify(spec), secrets)) as LoadSpec;
  const mock = await startMockProcess({ scenarioFile: plan.loaded.file, port: o.mockPort, seed: plan.seed, streamGapMs: spec.mock.stream_gap_ms, pinCpu: o.pin ? 0 : undefined });
  const stops: (() => Promise<void>)[] = [() => mock.child.stop()];
  const ordered = [...o.arms.arms].sort((a, b) => Number(a.kind !== 'direct') - Number(b.kind !== 'direct'));
  try {
    await insertLoadRun(store, { runId: o.runId, scenario: plan.name, scenarioHash: plan.loaded.hash, scenarioFile: plan.loaded.file, startedAt, seed: plan.seed, config: written, arms: [], ...o.facts });
    o.events.onMock(mock.url, mock.targets.map((t) => t.id));
    const alone = await generatorSelfCheck(checkRates(spec.open.rates), spec.open.process, plan.seed, o.nowUs, o.signal);
    o.events.onGenerator(alone);
    const ctx: ArmContext = { store, runId: o.runId, runKey: o.runId.replace(/[^A-Za-z0-9_.-]/g, '-'), spec, seed: plan.seed, nowUs: o.nowUs, signal: o.signal, reader: o.reader, mock: { url: mock.url, pid: mock.pid }, generatorCpu: o.pin ? 0 : undefined, onPoint: o.events.onPoint, onOverhead: o.events.onOverhead };
    const baseline = ordered.find((a) => a.kind === 'direct');
    for (const arm of ordered) {
      const outcome: ArmOutcome = { name: arm.name, kind: arm.kind, url: null, pid: arm.pid ?? null, status: 'ok', cpuUsPerRequest: null, peakRssMb: null };
      outcomes.push(outcome);
      if (o.signal.aborted) {
        outcome.status = 'interrupted';
        continue;
      }
      if (arm.kind === 'direct') arm.baseUrl = `${mock.url}/t/${arm.target}/v1`;
      let stopServe: (() => Promise<void>) | undefined;
      try {
        if (arm.kind === 'serve') {
          const serve = await startServeProcess({ scenarioFile: plan.loaded.file, strategy: arm.strategy!, mockUrl: mock.url, seed: plan.seed, pinCpu: o.pin ? 1 : undefined });
          stopServe = () => serve.child.stop();
          stops.push(stopServe);
          arm.baseUrl = serve.baseUrl;
          arm.pid = serve.pid;
        }
        outcome.url = redact(arm.baseUrl!, secrets);
        outcome.pid = arm.pid ?? null;
        o.events.onArm(arm.name, `${arm.kind} ${outcome.url}${arm.pid ? ` (pid ${arm.pid})` : ''}`);
        await measureCapacity(ctx, arm);
        if (arm.kind !== 'direct' && baseline) await measureOverhead(ctx, arm, baseline);
        if (o.signal.aborted) outcome.status = 'interrupted';
      } catch (e) {
        // An arm that cannot be started or measured (serve missing, autocannon gone) fails alone.
        if (!(e instanceof ServeUnavailable || (e instanceof HarnessError && e.code === 'AUTOCANNON_FAILED'))) throw e;
        Object.assign(outcome, { status: 'failed', note: e.message });
        o.events.onArm(arm.name, `failed: ${e.message}`);
      } finally {
        await stopServe?.(); // its cores back for the next arm
      }
    }
    const stats = await readMockStats(mock.url);
    return await conclude({ ...o, spec: written }, startedAt, o.nowUs() - t0, outcomes, mock, stats, alone);
  } catch (e) {
    await failLoadRun(store, o.runId, (e as Error)?.message ?? String(e)).catch(() => undefined);
    throw e;
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}

async function conclude(o: LoadRunOptions, startedAt: Date, wallUs: number, arms: ArmOutcome[], mock: { url: string; pid: number }, stats: MockStats | null, alone: LoadResult['generator']['alone']['samples']): Promise<LoadResult> {
  const { store, spec } = o;
  const points = await loadPoints(store, o.runId);
  const fromProc = mockCeilingFromPoints(points);
  const ceilingRps = stats?.ceilingRps ?? fromProc;
  const frontier = throughputFrontier(
    points.map((p) => ({ arm: p.arm, loop: p.loop, level: p.level, achievedRps: p.achieved_rps, p99Ms: p.p99_ms, errorRate: errorRate(p) })),
    spec.frontier.p99_ms,
    spec.frontier.max_error_rate,
  );
  await insertFrontier(store, o.runId, frontier.map((c) => ({ arm: c.arm, p99_bound_ms: c.boundMs, rps: c.point?.achievedRps ?? null, loop: c.point?.loop ?? null, level: c.point?.level ?? null, p99_ms: c.point?.p99Ms ?? null })));
  const overhead = await overheadResults(store, o.runId, o.plan.seed, spec.overhead.resamples);
  await insertOverheadResults(store, o.runId, overhead);
  const direct = arms.find((a) => a.kind === 'direct' && a.status !== 'skipped');
  const directCapacity = frontier.find((c) => c.arm === direct?.name && c.boundMs === null)?.point?.achievedRps ?? null;
  const gatewayArms = new Set(arms.filter((a) => a.kind !== 'direct' && a.status !== 'skipped').map((a) => a.name));
  const warnings = [...arms.filter((a) => a.status === 'failed').map((a) => `${a.name}: ${a.note}`), ...mockBoundWarnings(points, gatewayArms, ceilingRps, directCapacity)];
  for (const a of arms) {
    const mine = points.filter((p) => p.arm === a.name && p.gateway_cpu_ms !== null);
    const ok = mine.reduce((s, p) => s + p.ok, 0);
    if (ok > 0) a.cpuUsPerRequest = (mine.reduce((s, p) => s + p.gateway_cpu_ms!, 0) * 1000) / ok;
    const rss = mine.map((p) => p.gateway_rss_peak_mb).filter((x): x is number => x !== null);
    if (rss.length > 0) a.peakRssMb = Math.max(...rss);
  }
  const status = o.signal.aborted ? 'interrupted' : arms.some((a) => a.status === 'failed') ? 'failed' : 'ok';
  const mockInfo = { url: mock.url, pid: mock.pid, ceilingRps, ceilingSource: stats?.ceilingRps ? ('mock' as const) : fromProc !== null ? ('proc' as const) : null };
  const generator = { alone: { ...generatorCeiling(alone), samples: alone }, withArms: generatorCeiling(pointLags(points)) };
  await finishLoadRun(store, o.runId, { status, finishedAt: o.wallClock(), wallMs: wallUs / 1000, arms, mock: mockInfo, generator, warnings });
  const notes = [floorNote(points, direct?.name, spec.frontier.p99_ms)].filter((n): n is string => n !== null);
  return { runId: o.runId, startedAt, wallMs: wallUs / 1000, status, spec, mock: mockInfo, arms, points, frontier, overhead, warnings, notes, generator };
}
