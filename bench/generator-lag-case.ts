/**
 * `generator-lag-1000rps`: the open-loop arrival scheduler (src/engine/arrival-scheduler.ts, what
 * `replayScenario` uses) at 1,000 req/s for 10 s, constant and Poisson arrivals from the seeded
 * synthetic generator, against a transport that does almost nothing: each arrival starts a fake
 * call that settles on a 2 ms timer (so the event loop has the timers and promises of calls in
 * flight, as in a replay). Lag = actual start − scheduled start, in real ms; p50/p99/max per
 * process, and the process's CPU share while scheduling (the helper thread's included). Target
 * p99 ≤ 1 ms.
 */
import { scheduleArrivals } from '../src/engine/arrival-scheduler.js';
import { sharedPreciseSleep } from '../src/engine/precise-sleep.js';
import { syntheticTraffic } from '../src/traffic/synthetic.js';
import { newTrafficStats } from '../src/traffic/traffic-request.js';
import { parseScenario } from '../src/scenario/load-scenario.js';

export const LAG_P99_TARGET_MS = 1;

export interface LagResult {
  process: 'constant' | 'poisson';
  requests: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** CPU (user + system) of this process while scheduling, as a share of one core. */
  cpuShare: number;
}

const quantile = (sorted: Float64Array, q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

export async function benchGeneratorLag(process_: 'constant' | 'poisson', rate = 1000, seconds = 10): Promise<LagResult> {
  const loaded = parseScenario(
    `name: bench-lag
seed: 9
traffic: { synthetic: { arrival: { process: ${process_}, rate_per_s: ${rate} }, duration: ${seconds}s, stream: 0 } }
targets: { a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } } }
strategies: { s: { use: single, options: { target: a } } }
`,
    'bench/generator-lag.yaml',
  );
  // The scheduler's sleep thread is shared per process and started once (a few ms of event-loop
  // stall): start it before timing, as any replay after its first run finds it.
  const sleeper = sharedPreciseSleep();
  for (let i = 0; i < 200 && !sleeper.ready; i++) await new Promise<void>((resolve) => setTimeout(resolve, 5));
  const lags = new Float64Array(Math.ceil(rate * seconds * 1.2) + 100);
  let n = 0;
  let open = 0;
  const now = () => performance.now();
  const t0 = now() + 20;
  const cpu0 = process.cpuUsage();
  const w0 = now();
  await scheduleArrivals(
    syntheticTraffic(loaded.scenario.traffic.synthetic!, loaded.scenario.seed, newTrafficStats()),
    {
      realAt: (ms) => t0 + ms,
      arrive: (req) => {
        if (n < lags.length) lags[n++] = now() - (t0 + req.arrivalMs);
        open++;
        void new Promise<void>((resolve) => setTimeout(resolve, 2)).then(() => open--);
      },
    },
    now,
  );
  const cpu = process.cpuUsage(cpu0);
  const wall = now() - w0;
  while (open > 0) await new Promise<void>((resolve) => setTimeout(resolve, 5));
  const sorted = lags.slice(0, n).sort();
  return { process: process_, requests: n, p50Ms: quantile(sorted, 0.5), p99Ms: quantile(sorted, 0.99), maxMs: sorted[n - 1]!, cpuShare: (cpu.user + cpu.system) / 1000 / wall };
}
