/**
 * Child-process entry of `routebench load`: a closed-loop connection sweep with autocannon, in its
 * own process so the generator does not share an event loop with anything it measures. For each
 * level it runs a discarded warm-up, then the measured window, and prints JSON lines: `{"event":
 * "start",…}` when the measured window begins and `{"event":"done",…}` with the counts and latency
 * percentiles when it ends. Latency comes from autocannon's per-response times (fractional ms)
 * recorded in µs, not from its whole-millisecond histogram.
 *
 * argv[2]: JSON `{ url, headers, body, timeoutS, levels: [{ connections, durationS, warmupS }] }`.
 */
import { createHistogram } from 'node:perf_hooks';
import autocannon from 'autocannon';

interface Level {
  connections: number;
  durationS: number;
  warmupS: number;
}

interface ChildArgs {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutS: number;
  levels: Level[];
}

const say = (v: unknown) => process.stdout.write(`${JSON.stringify(v)}\n`);

async function runLevel(a: ChildArgs, level: Level): Promise<void> {
  const hist = createHistogram();
  const instance = autocannon({
    url: a.url,
    method: 'POST',
    headers: a.headers,
    body: a.body,
    connections: level.connections,
    duration: level.durationS,
    timeout: a.timeoutS,
    pipelining: 1,
    ...(level.warmupS > 0 ? { warmup: { connections: level.connections, duration: level.warmupS } } : {}),
  } as autocannon.Options) as unknown as autocannon.Instance & PromiseLike<autocannon.Result>;
  instance.on('start', () => say({ event: 'start', connections: level.connections }));
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode >= 200 && statusCode < 300) hist.record(Math.max(1, Math.round(responseTime * 1000)));
  });
  const r = (await instance) as autocannon.Result & { resets?: number };
  const us = (p: number) => (hist.count > 0 ? hist.percentile(p) / 1000 : null);
  say({
    event: 'done',
    connections: level.connections,
    durationMs: r.duration * 1000,
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    resets: r.resets ?? 0,
    sent: r.requests.sent,
    p50Ms: us(50),
    p90Ms: us(90),
    p99Ms: us(99),
    maxMs: hist.count > 0 ? hist.max / 1000 : null,
    statusCodes: r.statusCodeStats,
  });
}

async function main(a: ChildArgs): Promise<void> {
  process.once('SIGTERM', () => process.exit(0));
  process.on('SIGINT', () => undefined); // Ctrl-C reaches the whole group: the parent decides when to stop
  say({ event: 'hello' });
  for (const level of a.levels) await runLevel(a, level);
  say({ event: 'finished' });
}

main(JSON.parse(process.argv[2] ?? '{}') as ChildArgs).catch((e: unknown) => {
  say({ event: 'error', message: (e as Error)?.message ?? String(e) });
  process.exit(1);
});
