/**
 * Child process for the serve-vs-proxy benchmark: the load generator, on its own process (pinned
 * with the mock when taskset exists). Modes, given as one JSON argument, answer one JSON line:
 *   throughput  autocannon, closed loop: `connections` keep-alive connections, a warm-up that is
 *               discarded, then `durationS` measured; requests/s, autocannon latency (ms), errors,
 *               and, given `cpuPid`, that process's CPU time (user + system, from Linux /proc)
 *               over the measured part only, per request
 *   latency     a sequential undici Client per arm timing each request with process.hrtime (µs);
 *               arms interleaved, order rotated every round; p50/p99 per arm per round
 *   ttft        the same with `stream: true`: µs from sending to the first content token
 * Every loop is bounded by its request count.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { Client } from 'undici';

interface Arm {
  name: string;
  url: string;
}
type Spec =
  | { mode: 'throughput'; url: string; connections: number; warmupS: number; durationS: number; body: string; cpuPid?: number; tickHz?: number }
  | { mode: 'latency' | 'ttft'; arms: Arm[]; warmup: number; requests: number; rounds: number; body: string };

const spec = JSON.parse(process.argv[2]!) as Spec;
const headers = { 'content-type': 'application/json' };
const CONTENT = /"delta":\{"content":"[^"]/;

function quantile(xs: Float64Array, q: number): number {
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

/** CPU time (user + system) of a process so far, µs; NaN without Linux /proc. */
function cpuUs(pid: number | undefined, tickHz: number): number {
  if (pid === undefined) return NaN;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return NaN;
  }
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1e6) / tickHz;
}

async function throughput(s: Extract<Spec, { mode: 'throughput' }>) {
  const opts = { url: s.url, connections: s.connections, method: 'POST' as const, headers, body: s.body };
  if (s.warmupS > 0) await autocannon({ ...opts, duration: s.warmupS });
  const tickHz = s.tickHz ?? 100;
  const c0 = cpuUs(s.cpuPid, tickHz);
  const r = await autocannon({ ...opts, duration: s.durationS });
  // Requests still in flight when autocannon stops add a little CPU that is not counted as requests: < 50 of thousands.
  const cpuUsPerRequest = (cpuUs(s.cpuPid, tickHz) - c0) / r.requests.total;
  return { rps: r.requests.total / r.duration, requests: r.requests.total, p50Ms: r.latency.p50, p99Ms: r.latency.p99, errors: r.errors, non2xx: r.non2xx, cpuUsPerRequest };
}

/** One timed request in µs: whole answer (latency) or first content token (ttft). */
async function once(client: Client, path: string, body: string, ttft: boolean): Promise<number> {
  const t0 = process.hrtime.bigint();
  const res = await client.request({ path, method: 'POST', headers, body });
  if (res.statusCode !== 200) throw new Error(`status ${res.statusCode} from ${path}: ${await res.body.text()}`);
  if (!ttft) {
    await res.body.text();
    return Number(process.hrtime.bigint() - t0) / 1000;
  }
  let text = '';
  let at = 0;
  for await (const chunk of res.body) {
    if (at !== 0) continue;
    text += (chunk as Buffer).toString('utf8');
    if (CONTENT.test(text)) at = Number(process.hrtime.bigint() - t0) / 1000;
  }
  if (at === 0) throw new Error(`no content token from ${path}`);
  return at;
}

async function sequential(s: Extract<Spec, { mode: 'latency' | 'ttft' }>) {
  const ttft = s.mode === 'ttft';
  const arms = s.arms.map((a) => {
    const u = new URL(a.url);
    return { name: a.name, path: u.pathname, client: new Client(u.origin, { pipelining: 1, keepAliveTimeout: 60_000 }) };
  });
  for (const a of arms) for (let i = 0; i < s.warmup; i++) await once(a.client, a.path, s.body, ttft);
  const rounds: Record<string, { p50: number; p99: number }>[] = [];
  const samples = new Float64Array(s.requests);
  for (let r = 0; r < s.rounds; r++) {
    const round: Record<string, { p50: number; p99: number }> = {};
    for (let k = 0; k < arms.length; k++) {
      const a = arms[(k + r) % arms.length]!;
      for (let i = 0; i < s.requests; i++) samples[i] = await once(a.client, a.path, s.body, ttft);
      round[a.name] = { p50: quantile(samples, 0.5), p99: quantile(samples, 0.99) };
    }
    rounds.push(round);
  }
  await Promise.all(arms.map((a) => a.client.close()));
  return { rounds };
}

const result = spec.mode === 'throughput' ? await throughput(spec) : await sequential(spec);
process.stdout.write(`${JSON.stringify(result)}\n`);
