/**
 * The measurements of one arm, in order: the closed-loop connection sweep (autocannon in its own
 * process), the open-loop rate sweep (routebench's scheduler), and for gateway arms the paired
 * overhead cells against the direct arm. Around every point the CPU counters of the gateway and the
 * mock are read and their RSS sampled, and the mock's own request count is read when it reports
 * one. Rows are written between points, never during one.
 */
import { Pool } from 'undici';
import { Rng } from '../rng.js';
import type { LoadSpec } from '../scenario/schema-load.js';
import type { Store } from '../store/open-store.js';
import { loadPoints, type PointRow } from '../store/load-queries.js';
import { appendOpenRows, appendOverheadRows, insertClosedPoint, insertOpenPoint, type PointUsage } from '../store/write-load.js';
import { armRequest, type RequestShape } from './arm-request.js';
import { runClosedSweep } from './closed-loop.js';
import { readMockStats, type MockStats } from './mock-stats.js';
import { openSchedule, runOpenPoint } from './open-loop.js';
import { runOverheadCell } from './overhead.js';
import type { ArmPlan } from './plan-arms.js';
import { watchProcess, type ProcReader } from './proc-sampler.js';
import { timedRequest } from './timed-request.js';

export interface ArmContext {
  store: Store;
  runId: string;
  /** The routebench marker's run key (the mock keeps state per run). */
  runKey: string;
  spec: LoadSpec;
  seed: number;
  nowUs: () => number;
  signal: AbortSignal;
  reader: ProcReader;
  mock: { url: string; pid: number };
  /** CPU for the autocannon process (--pin). */
  generatorCpu?: number;
  onPoint(p: PointRow): void;
  onOverhead(arm: string, cell: { concurrency: number; stream: boolean; pairs: number; stopped?: string }): void;
}

const shapeOf = (spec: LoadSpec): RequestShape => ({ inputTokens: spec.request.input_tokens, outputTokens: spec.request.output_tokens, streamOutputTokens: spec.request.stream_output_tokens });

/** Starts watching the gateway and the mock for one point. */
function startPoint(ctx: ArmContext, arm: ArmPlan) {
  const stats0 = readMockStats(ctx.mock.url);
  const gw = watchProcess(arm.kind === 'direct' ? undefined : arm.pid, ctx.reader);
  const mk = watchProcess(ctx.mock.pid, ctx.reader);
  return () => {
    const g = gw.end();
    const m = mk.end();
    const stats1 = readMockStats(ctx.mock.url);
    return async (): Promise<PointUsage> => {
      const [a, b] = (await Promise.all([stats0, stats1])) as [MockStats | null, MockStats | null];
      return { gatewayCpuMs: g.cpuMs, gatewayRssPeakMb: g.rssPeakMb, mockCpuMs: m.cpuMs, mockRequests: a && b ? b.requests - a.requests : null };
    };
  };
}

async function lastPoint(ctx: ArmContext): Promise<void> {
  const points = await loadPoints(ctx.store, ctx.runId);
  ctx.onPoint(points[points.length - 1]!);
}

export async function measureCapacity(ctx: ArmContext, arm: ArmPlan): Promise<void> {
  const { closed, open } = ctx.spec;
  const req = armRequest(arm, shapeOf(ctx.spec), false, ctx.runKey);
  if (ctx.signal.aborted) return;
  let end: ReturnType<typeof startPoint> | undefined;
  const pending: Promise<void>[] = [];
  await runClosedSweep(
    req,
    closed.connections.map((c) => ({ connections: c, durationMs: closed.duration, warmupMs: closed.warmup })),
    open.timeout,
    {
      onStart: () => {
        end = startPoint(ctx, arm);
      },
      onDone: (r) => {
        const usage = end?.();
        end = undefined;
        pending.push((async () => insertClosedPoint(ctx.store, ctx.runId, arm.name, r, usage ? await usage() : { gatewayCpuMs: null, gatewayRssPeakMb: null, mockCpuMs: null, mockRequests: null }))());
      },
    },
    { signal: ctx.signal, pinCpu: ctx.generatorCpu },
  );
  for (const p of pending) {
    await p;
  }
  for (const p of (await loadPoints(ctx.store, ctx.runId)).filter((x) => x.arm === arm.name && x.loop === 'closed')) ctx.onPoint(p);

  const pool = new Pool(req.origin, { connections: 256, pipelining: 1, keepAliveTimeout: 30_000 });
  try {
    for (const rate of open.rates) {
      if (ctx.signal.aborted) return;
      const spec = (durationMs: number) => ({ rate, durationMs, process: open.process, lateMs: open.late_ms, dropAfterMs: open.drop_after_ms, timeoutMs: open.timeout, maxInFlight: open.max_in_flight });
      const send = () => timedRequest(pool, req, { nowUs: ctx.nowUs, timeoutMs: open.timeout });
      if (open.warmup > 0) await runOpenPoint(send, spec(open.warmup), openSchedule(spec(open.warmup), Rng.derive(ctx.seed, `open-warmup/${arm.name}/${rate}`)), ctx.nowUs, ctx.signal);
      const schedule = openSchedule(spec(open.duration), Rng.derive(ctx.seed, `open/${arm.name}/${rate}`));
      const stop = startPoint(ctx, arm);
      const rows = await runOpenPoint(send, spec(open.duration), schedule, ctx.nowUs, ctx.signal);
      const usage = await stop()();
      await appendOpenRows(ctx.store, ctx.runId, arm.name, rate, rows);
      await insertOpenPoint(ctx.store, ctx.runId, arm.name, rate, open.duration, rows.late, usage);
      await lastPoint(ctx);
    }
  } finally {
    await pool.destroy();
  }
}

export async function measureOverhead(ctx: ArmContext, arm: ArmPlan, direct: ArmPlan): Promise<void> {
  const o = ctx.spec.overhead;
  const timing = (stream: boolean) => ({ nowUs: ctx.nowUs, timeoutMs: ctx.spec.open.timeout, stallUs: stream ? o.stall_ms * 1000 : undefined });
  for (const stream of o.stream)
    for (const concurrency of o.concurrency) {
      if (ctx.signal.aborted) return;
      const dReq = armRequest(direct, shapeOf(ctx.spec), stream, ctx.runKey);
      const aReq = armRequest(arm, shapeOf(ctx.spec), stream, ctx.runKey);
      const dPool = new Pool(dReq.origin, { connections: concurrency, pipelining: 1 });
      const aPool = new Pool(aReq.origin, { connections: concurrency, pipelining: 1 });
      try {
        const cell = { concurrency, stream, rounds: o.rounds, warmupRounds: o.warmup_rounds, deadlineUs: ctx.nowUs() + o.time_limit * 1000, maxFailures: 50 };
        const { rows, stopped } = await runOverheadCell(() => timedRequest(dPool, dReq, timing(stream)), () => timedRequest(aPool, aReq, timing(stream)), cell, ctx.nowUs, ctx.signal);
        await appendOverheadRows(ctx.store, ctx.runId, arm.name, { concurrency, stream }, rows);
        ctx.onOverhead(arm.name, { concurrency, stream, pairs: rows.n / 2, stopped });
      } finally {
        await Promise.all([dPool.destroy(), aPool.destroy()]);
      }
    }
}
