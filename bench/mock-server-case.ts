/**
 * `mock-server-json`: the loopback mock server's throughput for non-streaming JSON replies. The
 * server runs in a child process (mock-server-child.ts) for one `perfect` target at time scale 1e6
 * (replies due at once), pinned to cpu 1 with `taskset` when it exists; autocannon runs in another
 * child (autocannon-point.ts) pinned to cpu 0, POSTing an unmarked small chat-completions body to
 * `/t/o/v1/chat/completions`. Connection sweep 10, 50, 100: a 2 s warm-up then 5 s measured per
 * point. Per point: req/s, latency p50/p99 (autocannon: whole ms, no p95), non-2xx; then the
 * server's own `/_routebench/stats` `ceiling_rps` (requests per CPU-second over the whole run).
 * Target ≥ 20,000 req/s.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

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
const hasTaskset = () => spawnSync('taskset', ['-c', '0', 'true'], { timeout: 5000 }).status === 0;

/** `node --import tsx <file> args`, under `taskset -c <cpu>` when pinning. */
function command(cpu: number | undefined, file: string, args: string[]): [string, string[]] {
  const node = [process.execPath, '--import', 'tsx', `${benchDir}${file}`, ...args];
  return cpu === undefined ? [node[0]!, node.slice(1)] : ['taskset', ['-c', String(cpu), ...node]];
}

/** One run: a fresh server, the whole sweep, the server's final stats. Bounded: every child has a time limit. */
export async function benchMockServer(o: { warmupS?: number; durationS?: number; connections?: number[] } = {}): Promise<MockServerRun> {
  const pinned = hasTaskset();
  const [cmd, args] = command(pinned ? 1 : undefined, 'mock-server-child.ts', ['1e6']);
  const server = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'inherit'], cwd: fileURLToPath(new URL('..', import.meta.url)) });
  const killer = setTimeout(() => server.kill('SIGKILL'), 120_000);
  const lines = createInterface({ input: server.stdout! })[Symbol.asyncIterator]();
  try {
    const first = await lines.next();
    if (first.done) throw new Error('mock-server-child exited before listening');
    const { url } = JSON.parse(first.value as string) as { url: string };
    const points: PointResult[] = [];
    for (const connections of o.connections ?? CONNECTIONS) {
      const point = { url: `${url}/t/o/v1/chat/completions`, body: BODY, connections, warmupS: o.warmupS ?? 2, durationS: o.durationS ?? 5 };
      const [c, a] = command(pinned ? 0 : undefined, 'autocannon-point.ts', [JSON.stringify(point)]);
      const r = spawnSync(c, a, { encoding: 'utf8', timeout: (point.warmupS + point.durationS + 30) * 1000 });
      if (r.status !== 0) throw new Error(`autocannon at ${connections} connections failed (exit ${r.status}): ${r.stderr.slice(-500)}`);
      points.push(JSON.parse(r.stdout.trim().split('\n').pop()!) as PointResult);
    }
    server.stdin!.end();
    const last = await lines.next();
    if (last.done) throw new Error('mock-server-child exited without its stats');
    const final = JSON.parse(last.value as string) as { stats: MockServerRun['stats']; rssMb: number };
    return { points, stats: final.stats, pinned, serverRssMb: final.rssMb };
  } finally {
    clearTimeout(killer);
    if (server.exitCode === null) server.kill('SIGTERM');
  }
}
