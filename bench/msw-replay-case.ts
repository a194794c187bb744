/**
 * `msw-replay-100-targets`: `replayScenario` over the msw transport (real fetch, real clock, time
 * scale 1) with 100 `perfect` targets (TTFT and generation cut to a few ms so requests finish
 * quickly) and open-loop Poisson arrivals at 2,500 req/s for 5 s, round-robin (over four round-robins of
 * 25) so each target gets traffic. Reported from the `requests` view of the DuckDB results: completed
 * requests per second over the window from the first scheduled arrival to the last answer, p50/p99
 * latency and p99 generator lag (`lag_ms`: sent − scheduled). Target ≥ 2,000 req/s sustained.
 */
import { parseScenario } from '../src/scenario/load-scenario.js';
import { openStore, type Store } from '../src/store/open-store.js';
import { replayScenario } from '../src/runner/run-replay.js';
import type { RunEnvironment } from '../src/runner/run-environment.js';

export const MSW_REPLAY_TARGET_RPS = 2000;
const TARGETS = 100;
const RATE = 2500;
const SECONDS = 5;

/** Every request's prompt and output length. */
export const REPLAY_TOKENS = { input: 200, output: 16 } as const;

/** The scenario's targets: t000, t001, … alternating OpenAI and Anthropic. */
export function mswReplayTargets(targets: number): { id: string; dialect: 'openai' | 'anthropic'; model: string }[] {
  return Array.from({ length: targets }, (_, i) => ({ id: `t${String(i).padStart(3, '0')}`, dialect: i % 2 ? 'anthropic' : 'openai', model: i % 2 ? 'claude-3-5-haiku' : 'gpt-4o-mini' }));
}

export function mswReplayScenario(targets = TARGETS, rate = RATE, seconds = SECONDS, stream = 0): string {
  const all = mswReplayTargets(targets);
  const ids = all.map((t) => t.id);
  const lines = all.map((t) => `  ${t.id}: { provider: ${t.dialect}, model: ${t.model}, mock: { profile: perfect, ttft_ms: { p50: 2, p99: 2 }, tokens_per_s: { p50: 20000, p99: 20000 } } }`);
  // round-robin takes at most 30 members: round-robin over groups of 25, each a round-robin.
  const groups: string[] = [];
  for (let i = 0; i < ids.length; i += 25) groups.push(`{ use: round-robin, options: { targets: [${ids.slice(i, i + 25).join(', ')}] } }`);
  return `
name: bench-msw-replay
seed: 5
traffic:
  synthetic:
    arrival: { process: poisson, rate_per_s: ${rate} }
    duration: ${seconds}s
    input_tokens: { dist: constant, value: ${REPLAY_TOKENS.input} }
    output_tokens: { dist: constant, value: ${REPLAY_TOKENS.output} }
    stream: ${stream}
targets:
${lines.join('\n')}
strategies:
  round-robin: { use: round-robin, options: { targets: [${groups.join(', ')}] } }
`;
}

export interface MswReplayResult {
  requests: number;
  completedPerS: number;
  success: number;
  p50LatencyMs: number;
  p99LatencyMs: number;
  p99LagMs: number;
  maxLagMs: number;
  wallMs: number;
  /** CPU of this process (every thread: DuckDB's, the arrival scheduler's sleep thread) during the replay, ms. */
  cpuMs: number;
}

/** One replay into a fresh DuckDB file; numbers read back from the `requests` view. */
export async function benchMswReplay(
  dbFile: string,
  env: RunEnvironment,
  size: { targets: number; rate: number; seconds: number; stream?: number } = { targets: TARGETS, rate: RATE, seconds: SECONDS },
  transport: 'msw' | 'mock-server' = 'msw',
  /** mock-server: a server already running (another process); without it one is started in this process. */
  mockUrl?: string,
): Promise<MswReplayResult> {
  const loaded = parseScenario(mswReplayScenario(size.targets, size.rate, size.seconds, size.stream ?? 0), 'bench/msw-replay.yaml');
  const store = await openStore(dbFile);
  try {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const result = await replayScenario(loaded, { store, env, transport, mockUrl, timeScale: 1, realNow: () => performance.now(), processEnv: {} });
    const cpu = process.cpuUsage(cpu0);
    const wallMs = performance.now() - t0;
    return { ...(await replayFigures(store, result.runs[0]!.runNo)), wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
  } finally {
    store.close();
  }
}

/** A replayed run's completed rate, success, latency and generator-lag figures, from its requests. */
export async function replayFigures(store: Store, runNo: number): Promise<Omit<MswReplayResult, 'wallMs' | 'cpuMs'>> {
  const [r] = await store.all<{ n: number; ok: number; window_ms: number; p50: number; p99: number; lag99: number; lagmax: number }>(`
    SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE success)::INTEGER AS ok,
           (max(scheduled_ms + duration_ms) - min(scheduled_ms))::DOUBLE AS window_ms,
           quantile_cont(latency_ms, 0.5)::DOUBLE AS p50, quantile_cont(latency_ms, 0.99)::DOUBLE AS p99,
           quantile_cont(lag_ms, 0.99)::DOUBLE AS lag99, max(lag_ms)::DOUBLE AS lagmax
    FROM requests WHERE run_no = ${runNo}`);
  return { requests: r!.n, completedPerS: (r!.ok / r!.window_ms) * 1000, success: r!.ok / r!.n, p50LatencyMs: r!.p50, p99LatencyMs: r!.p99, p99LagMs: r!.lag99, maxLagMs: r!.lagmax };
}
