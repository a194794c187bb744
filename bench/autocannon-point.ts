/**
 * Child process of the `mock-server-json` bench: one point of the connection sweep with autocannon
 * (programmatic), in its own process so the load generator shares no event loop with the server.
 * A discarded warm-up, then the measured window; prints one JSON line with req/s, latency p50/p99
 * (autocannon's whole-millisecond histogram: it has no p95), non-2xx, errors and timeouts.
 *
 * argv[2]: JSON `{ url, body, connections, warmupS, durationS }`.
 */
import autocannon from 'autocannon';

interface PointArgs {
  url: string;
  body: string;
  connections: number;
  warmupS: number;
  durationS: number;
}

const a = JSON.parse(process.argv[2] ?? '{}') as PointArgs;
const run = (durationS: number) =>
  autocannon({ url: a.url, method: 'POST', headers: { 'content-type': 'application/json' }, body: a.body, connections: a.connections, pipelining: 1, duration: durationS, timeout: 10 });
if (a.warmupS > 0) await run(a.warmupS);
const r = await run(a.durationS);
process.stdout.write(
  `${JSON.stringify({ connections: a.connections, rps: r.requests.total / r.duration, total: r.requests.total, p50Ms: r.latency.p50, p99Ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts })}\n`,
);
