/**
 * The issue-4 speed targets as bench cases (registered in run.ts): replay over msw with 100
 * targets (msw-replay-case.ts), the loopback mock server under autocannon (mock-server-case.ts) and
 * the open-loop generator's lag (generator-lag-case.ts). Each returns medians over `runs` with
 * [min, max] ranges, its `target` and whether it was `met`, plus the load average before and after
 * (the machine is shared: read the numbers with it).
 */
import { builtReplay } from './replay-child.js';
import path from 'node:path';
import { rmSync } from 'node:fs';
import type { RunEnvironment } from '../src/runner/run-environment.js';
import { benchGeneratorLag, LAG_P99_TARGET_MS } from './generator-lag-case.js';
import { benchBareServer, benchMockServer, CONNECTIONS, MOCK_SERVER_TARGET_RPS, type MockServerRun } from './mock-server-case.js';
import { benchMswReplay, mswReplayScenario, MSW_REPLAY_TARGET_RPS, type MswReplayResult } from './msw-replay-case.js';
import { startMockServerProcess } from './mock-server-process.js';
import { bareStreamCeiling, type StreamCeiling } from './stream-ceiling.js';
import { gc, loadAverage, median, round, stat } from './util.js';


export async function mswReplayCase(runs: number, tmp: string, env: RunEnvironment, tiny = false): Promise<Record<string, unknown>> {
  const size = tiny ? { targets: 4, rate: 100, seconds: 0.5 } : { targets: 100, rate: 2500, seconds: 5 };
  const loadBefore = loadAverage();
  const db = path.join(tmp, 'msw-replay.duckdb');
  const fresh = () => {
    rmSync(db, { force: true });
    rmSync(`${db}.wal`, { force: true });
    return db;
  };
  await benchMswReplay(fresh(), env, size); // warm-up (JIT, msw's first requests): discarded
  const rs: MswReplayResult[] = [];
  for (let i = 0; i < runs; i++) {
    gc();
    rs.push(await benchMswReplay(fresh(), env, size));
  }
  const rps = stat(rs.map((r) => r.completedPerS));
  return {
    targets: size.targets,
    offeredPerS: size.rate,
    requests: rs[0]!.requests,
    completedPerS: rps,
    success: stat(rs.map((r) => r.success), 4),
    p50LatencyMs: stat(rs.map((r) => r.p50LatencyMs), 2),
    p99LatencyMs: stat(rs.map((r) => r.p99LatencyMs), 1),
    p99LagMs: stat(rs.map((r) => r.p99LagMs), 2),
    maxLagMs: stat(rs.map((r) => r.maxLagMs), 1),
    loadAverage: { before: loadBefore, after: loadAverage() },
    target: MSW_REPLAY_TARGET_RPS,
    met: rps.median >= MSW_REPLAY_TARGET_RPS,
  };
}

export async function mockServerCase(runs: number, tiny = false): Promise<Record<string, unknown>> {
  const sizes = tiny ? { warmupS: 0, durationS: 1, connections: [10] } : { connections: CONNECTIONS };
  const loadBefore = loadAverage();
  const rs: MockServerRun[] = [];
  const bare: { rps: number }[][] = [];
  // Arms alternate run by run (mock first, then bare; then bare first) so load hits both alike.
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 1) bare.push(await benchBareServer(sizes));
    rs.push(await benchMockServer({ ...sizes, tiny }));
    if (i % 2 === 0) bare.push(await benchBareServer(sizes));
  }
  // Both read alike: per connection count the median over runs, then the best count.
  const bareBest = Math.max(...sizes.connections.map((_, k) => median(bare.map((r) => r[k]!.rps))));
  const points = sizes.connections.map((connections, k) => {
    const at = rs.map((r) => r.points[k]!);
    return { connections, rps: stat(at.map((p) => p.rps)), p50Ms: stat(at.map((p) => p.p50Ms)), p99Ms: stat(at.map((p) => p.p99Ms)), non2xx: at.reduce((a, p) => a + p.non2xx, 0), errors: at.reduce((a, p) => a + p.errors + p.timeouts, 0) };
  });
  const best = Math.max(...points.map((p) => p.rps.median));
  const ceilings = rs.map((r) => r.stats.ceiling_rps).filter((c): c is number => c !== null);
  return {
    pinned: rs[0]!.pinned ? 'server on cpu 1, autocannon on cpu 0 (taskset)' : 'not pinned (no taskset)',
    points,
    bestRps: best,
    bareServerRps: round(bareBest),
    overBare: round(best / bareBest, 2),
    serverCeilingRps: ceilings.length > 0 ? stat(ceilings) : null,
    serverRequests: rs.map((r) => r.stats.requests),
    serverRssMb: rs.map((r) => r.serverRssMb),
    loadAverage: { before: loadBefore, after: loadAverage() },
    target: MOCK_SERVER_TARGET_RPS,
    met: best >= MOCK_SERVER_TARGET_RPS,
  };
}

export async function generatorLagCase(runs: number, tiny = false): Promise<Record<string, unknown>> {
  const [rate, seconds] = tiny ? [200, 0.5] : [1000, 10];
  const loadBefore = loadAverage();
  const byProcess: Record<string, unknown> = {};
  let met = true;
  for (const p of ['constant', 'poisson'] as const) {
    const rs = [];
    for (let i = 0; i < runs; i++) {
      gc();
      rs.push(await benchGeneratorLag(p, rate, seconds));
    }
    const p99 = stat(rs.map((r) => r.p99Ms), 3);
    met &&= p99.median <= LAG_P99_TARGET_MS;
    byProcess[p] = { requests: rs[0]!.requests, p50Ms: stat(rs.map((r) => r.p50Ms), 3), p99Ms: p99, maxMs: stat(rs.map((r) => r.maxMs), 2), cpuShare: stat(rs.map((r) => r.cpuShare), 3) };
  }
  return { ratePerS: rate, seconds, ...byProcess, loadAverage: { before: loadBefore, after: loadAverage() }, target: LAG_P99_TARGET_MS, met };
}

export const STREAM_REPLAY_TARGET_RPS = 5000;
export const STREAM_REPLAY_LAG_P99_MS = 2;
/** The bare client's connections: enough to keep the mock server's core busy. */
const CEILING_CONNECTIONS = 50;

/**
 * replayScenario over the loopback mock server, every request streamed, open loop, as a user runs
 * it: `routebench mock-server` in its own process (mock-server-process.ts: the built CLI; on cpu 1 under taskset
 * when it exists) and the replay with `--mock-url` in another, the built package on cpu 0
 * (replay-child.ts; `--tiny`: in this process from the sources). Besides the rates and the lag, the
 * CPU-seconds each process spent per 1,000 requests (the client's from process.cpuUsage, every
 * thread; the server's from its `/_routebench/stats` cpu_ms before and after), so a figure taken on
 * a busy machine can be judged: at 5,000 req/s each process has one core, 1 s per 1,000 requests.
 * The ceiling, after each run against the same server: a bare streaming client sending the same
 * requests closed loop (stream-ceiling.ts): what the mock server gives any client here, and the
 * client CPU per call with nothing of routebench's.
 */
export async function mockServerStreamCase(runs: number, tmp: string, env: RunEnvironment, tiny: boolean, root: string): Promise<Record<string, unknown>> {
  const loadBefore = loadAverage();
  const size = tiny ? { targets: 4, rate: 100, seconds: 0.5, stream: 1 } : { targets: 8, rate: STREAM_REPLAY_TARGET_RPS, seconds: 5, stream: 1 };
  const db = path.join(tmp, 'stream-replay.duckdb');
  const fresh = () => {
    rmSync(db, { force: true });
    rmSync(`${db}.wal`, { force: true });
    return db;
  };
  const server = await startMockServerProcess({ scenario: mswReplayScenario(size.targets, 1, 1, 1), timeScale: 1, cpu: 1, tiny });
  try {
    const serverCpuMs = async () => (await server.stats()).cpu_ms;
    // The full run replays in a child process running the built package, pinned to cpu 0 (replay-child.ts), as a user runs it; --tiny in this process from the sources.
    const replay = (sz: typeof size) => (tiny ? benchMswReplay(fresh(), env, sz, 'mock-server', server.url) : builtReplay(root, tmp, fresh(), sz, server.url));
    await replay({ ...size, seconds: Math.min(size.seconds, 1) }); // warm-up: discarded
    const rs: (MswReplayResult & { serverCpuMs: number })[] = [];
    const bare: StreamCeiling[] = [];
    // Run by run: routebench's replay, then the bare client against the same server (stream-ceiling.ts).
    for (let i = 0; i < runs; i++) {
      gc();
      const before = await serverCpuMs();
      const r = await replay(size);
      rs.push({ ...r, serverCpuMs: (await serverCpuMs()) - before });
      bare.push(bareStreamCeiling({ root, tmp, mockUrl: server.url, targets: size.targets, connections: CEILING_CONNECTIONS, seconds: size.seconds }));
    }
    const rps = stat(rs.map((r) => r.completedPerS));
    const lag = stat(rs.map((r) => r.p99LagMs), 2);
    const ceiling = stat(bare.map((b) => b.rps));
    return {
      processes: `mock server in a child process (${server.pinned ? 'taskset cpu 1' : 'not pinned'}), replay with --mock-url ${tiny ? 'in the bench process (sources)' : `in a child process running the built package (${server.pinned ? 'taskset cpu 0' : 'not pinned'})`}`,
      targets: size.targets,
      offeredPerS: size.rate,
      requests: rs[0]!.requests,
      completedPerS: rps,
      completedOverOffered: round(rps.median / size.rate, 3),
      success: stat(rs.map((r) => r.success), 4),
      p50LatencyMs: stat(rs.map((r) => r.p50LatencyMs), 2),
      p99LatencyMs: stat(rs.map((r) => r.p99LatencyMs), 1),
      p99LagMs: lag,
      maxLagMs: stat(rs.map((r) => r.maxLagMs), 1),
      clientCpuSPer1kRequests: stat(rs.map((r) => r.cpuMs / r.requests), 3),
      serverCpuSPer1kRequests: stat(rs.map((r) => r.serverCpuMs / r.requests), 3),
      bareClient: {
        what: `closed loop, ${CEILING_CONNECTIONS} keep-alive connections, undici dispatcher, the same marked streamed requests, bodies read to the end (stream-ceiling.ts)`,
        completedPerS: ceiling,
        cpuSPer1kRequests: stat(bare.map((b) => b.cpuUsPerCall / 1000), 3),
        failed: bare.reduce((a, b) => a + b.failed, 0),
      },
      overBareClient: round(rps.median / ceiling.median, 2),
      clientCpuOverBare: round(median(rs.map((r) => r.cpuMs / r.requests)) / median(bare.map((b) => b.cpuUsPerCall / 1000)), 1),
      loadAverage: { before: loadBefore, after: loadAverage() },
      target: STREAM_REPLAY_TARGET_RPS,
      lagTargetMs: STREAM_REPLAY_LAG_P99_MS,
      met: rps.median >= STREAM_REPLAY_TARGET_RPS * 0.99 && lag.median <= STREAM_REPLAY_LAG_P99_MS,
    };
  } finally {
    await server.stop();
  }
}
