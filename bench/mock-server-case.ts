/**
 * `mock-server-json`: the loopback mock server's throughput for non-streaming JSON replies. The
 * server is `routebench mock-server` in its own process (mock-server-process.ts: the built CLI) for
 * one `perfect` target at time scale 1e6
 * (replies due at once), pinned to cpu 1 with `taskset` when it exists; autocannon runs in another
 * child (autocannon-point.ts) pinned to cpu 0, POSTing an unmarked small chat-completions body to
 * `/t/o/v1/chat/completions`. Connection sweep 10, 50, 100: a 2 s warm-up then 5 s measured per
 * point. Per point: req/s, latency p50/p99 (autocannon: whole ms, no p95), non-2xx; then the
 * server's own `/_routebench/stats` `ceiling_rps` (requests per CPU-second over the whole run).
 * The ceiling, swept the same way in the same run: a bare node:http server that answers every POST
 * with the OpenAI dialect's own `chat.completion`, built once (serve-mock-child.ts: no routing, no
 * profile, no timers). Target ≥ 20,000 req/s.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { hasTaskset, MOCK_BENCH_SCENARIO, startMockServerProcess } from './mock-server-process.js';
import { nodeCommand, nodeJson } from './util.js';

export const MOCK_SERVER_TARGET_RPS = 20_000;
export const CONNECTIONS = [10, 50, 100];
const BODY = JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 16, messages: [{ role: 'user', content: 'Say hello in five words.' }] });

export interface PointResult {
  connections: number;
  rps: number;
  total: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

export interface MockServerRun {
  points: PointResult[];
  stats: { requests: number; cpu_ms: number; uptime_ms: number; in_flight: number; ceiling_rps: number | null };
  pinned: boolean;
  serverRssMb: number;
}

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));

/** One autocannon point (autocannon-point.ts, in a child pinned to `cpu` when given): a warm-up, then `durationS` measured. */
export function autocannonPoint(url: string, connections: number, o: { warmupS: number; durationS: number; cpu?: number }): PointResult {
  const point = { url, body: BODY, connections, warmupS: o.warmupS, durationS: o.durationS };
  return nodeJson<PointResult>(['--import', 'tsx', `${benchDir}autocannon-point.ts`, JSON.stringify(point)], { cwd: root, cpu: o.cpu, timeoutMs: (o.warmupS + o.durationS + 30) * 1000, what: `autocannon at ${connections} connections` });
}

/** autocannon once at each connection count against `url` (pinned to cpu 0 when pinning). */
function sweep(url: string, pinned: boolean, o: { warmupS?: number; durationS?: number; connections?: number[] }): PointResult[] {
  return (o.connections ?? CONNECTIONS).map((connections) => autocannonPoint(url, connections, { warmupS: o.warmupS ?? 2, durationS: o.durationS ?? 5, cpu: pinned ? 0 : undefined }));
}

/** The ceiling: the same sweep against a bare node:http JSON server (serve-mock-child.ts) on the same cpu. */
export async function benchBareServer(o: { warmupS?: number; durationS?: number; connections?: number[] } = {}): Promise<PointResult[]> {
  const pinned = hasTaskset();
  const [cmd, args] = nodeCommand(['--import', 'tsx', `${benchDir}serve-mock-child.ts`], pinned ? 1 : undefined);
  const server = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], cwd: root });
  const killer = setTimeout(() => server.kill('SIGKILL'), 120_000);
  try {
    const first = await createInterface({ input: server.stdout! })[Symbol.asyncIterator]().next();
    if (first.done) throw new Error('serve-mock-child exited before listening');
    const { url } = JSON.parse(first.value as string) as { url: string };
    return sweep(`${url}/v1/chat/completions`, pinned, o);
  } finally {
    clearTimeout(killer);
    if (server.exitCode === null) server.kill('SIGTERM');
  }
}

/** One run: a fresh server, the whole sweep, the server's stats after it. Bounded: every child has a time limit. */
export async function benchMockServer(o: { warmupS?: number; durationS?: number; connections?: number[]; tiny?: boolean } = {}): Promise<MockServerRun> {
  const server = await startMockServerProcess({ scenario: MOCK_BENCH_SCENARIO, timeScale: 1e6, cpu: 1, tiny: o.tiny === true });
  try {
    const points = sweep(`${server.url}/t/o/v1/chat/completions`, server.pinned, o);
    return { points, stats: await server.stats(), pinned: server.pinned, serverRssMb: server.peakRssMb() ?? NaN };
  } finally {
    await server.stop();
  }
}
