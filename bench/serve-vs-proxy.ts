/**
 * Bench case `serve-vs-proxy`: what routing costs on the request path. An instant OpenAI mock in
 * one child process; in front of it, each in its own child, a bare pass-through proxy (node:http +
 * undici Pool, no logic) and `routebench serve --strategy fallback --mock-url <mock>`. Pinned, when taskset
 * exists, in the arrangement that measured best on a 2-core machine: proxy and serve on cpu1, mock
 * and load generator on cpu0. Arms are interleaved and their order alternated every round.
 *   throughput   autocannon, 50 connections, 1 s warm-up then 5 s, non-streaming; serve ÷ proxy (median
 *                of the per-round ratios), and each server's CPU per request over the measured seconds
 *                (user + system from /proc, read by the load generator around them) and their ratio
 *   added        sequential hrtime client at concurrency 1: p50/p99 of (arm − direct-to-mock) per round
 *   ttft         the same for streams, time to the first content token
 * Targets: throughput ≥ 85% of the proxy's; added p50 ≤ the proxy's + 10 µs; TTFT + ≤ 1 ms.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, nodeCommand, nodeJson, range, round } from './util.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const here = (f: string) => path.join(root, 'bench', f);

const SCENARIO = `name: serve-bench
seed: 1
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 1 } }
targets:
  primary: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }
  secondary: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }
strategies:
  fallback: { use: fallback, options: { targets: [primary, secondary] } }
`;
/** serve's req/s as a share of the bare proxy's; serve's added p50 over the proxy's (µs). */
export const THROUGHPUT_TARGET = 0.85;
export const ADDED_OVER_PROXY_P50_US = 10;
const BODY = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello to the benchmark, briefly.' }], max_tokens: 16 });
const STREAM_BODY = JSON.stringify({ ...JSON.parse(BODY), stream: true });

const pinned = os.cpus().length >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const TICK_HZ = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** Starts `bench/<script>` with tsx, pinned to `cpu`; resolves with the URL it prints first. */
function start(script: string, args: string[], cpu: number): Promise<{ proc: ChildProcess; url: string }> {
  const [cmd, a] = nodeCommand(['--import', 'tsx', here(script), ...args], pinned ? cpu : undefined);
  const proc = spawn(cmd, a, { cwd: root });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`${script} did not start in 30 s: ${err}`)), 30_000);
    proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ proc, url });
      }
    });
    proc.on('exit', (code) => reject(new Error(`${script} exited (${code}) before listening: ${err}`)));
  });
}

/** Runs the load generator once (pinned with the mock) and returns its JSON answer; bounded to 5 minutes. */
function load<T>(spec: Record<string, unknown>): T {
  return nodeJson<T>(['--import', 'tsx', here('serve-load-child.ts'), JSON.stringify(spec)], { cwd: root, timeoutMs: 300_000, what: 'load generator', cpu: pinned ? 0 : undefined });
}

type Round = Record<string, { p50: number; p99: number }>;
const added = (rounds: Round[], arm: string, q: 'p50' | 'p99') => rounds.map((r) => r[arm]![q] - r.direct![q]);

/** Sizes: the defaults are the full bench; the smoke test passes tiny ones. */
export interface ServeBenchSizes {
  warmupS: number;
  durationS: number;
  latencyWarmup: number;
  latencyRequests: number;
  ttftRequests: number;
  minRounds: number;
}
const FULL: ServeBenchSizes = { warmupS: 1, durationS: 5, latencyWarmup: 2000, latencyRequests: 10_000, ttftRequests: 1000, minRounds: 3 };

export async function benchServeVsProxy(runs: number, sizes: ServeBenchSizes = FULL): Promise<Record<string, unknown>> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'routebench-serve-bench-'));
  const scenario = path.join(tmp, 'serve-bench.yaml');
  writeFileSync(scenario, SCENARIO);
  const loadBefore = os.loadavg();
  const procs: ChildProcess[] = [];
  try {
    const mock = await start('serve-mock-child.ts', [], 0);
    procs.push(mock.proc);
    const proxy = await start('bare-proxy-child.ts', [mock.url, '/t/primary'], 1);
    procs.push(proxy.proc);
    const serve = await start('serve-child.ts', ['--scenario', scenario, '--strategy', 'fallback', '--port', '0', '--mock-url', mock.url], 1);
    procs.push(serve.proc);
    const arms = { direct: `${mock.url}/t/primary/v1/chat/completions`, proxy: `${proxy.url}/v1/chat/completions`, serve: `${serve.url}/v1/chat/completions` };
    const check = await fetch(arms.serve, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
    if (check.status !== 200 || check.headers.get('x-routebench-target') !== 'primary') throw new Error(`serve answered ${check.status} from ${check.headers.get('x-routebench-target')}`);
    await check.text();

    const rps: Record<'proxy' | 'serve', number[]> = { proxy: [], serve: [] };
    const cpu: Record<'proxy' | 'serve', number[]> = { proxy: [], serve: [] };
    const pids = { proxy: proxy.proc.pid!, serve: serve.proc.pid! };
    for (let r = 0; r < runs; r++) {
      for (const arm of r % 2 === 0 ? (['proxy', 'serve'] as const) : (['serve', 'proxy'] as const)) {
        const t = load<{ rps: number; requests: number; errors: number; non2xx: number; cpuUsPerRequest: number | null }>({ mode: 'throughput', url: arms[arm], connections: 50, warmupS: sizes.warmupS, durationS: sizes.durationS, body: BODY, cpuPid: pids[arm], tickHz: TICK_HZ });
        if (t.errors > 0 || t.non2xx > 0) throw new Error(`${arm}: ${t.errors} errors, ${t.non2xx} non-2xx under load`);
        rps[arm].push(t.rps);
        cpu[arm].push(t.cpuUsPerRequest ?? NaN); // the measured seconds only (the load generator reads /proc around them)
      }
    }
    const armList = Object.entries(arms).map(([name, url]) => ({ name, url }));
    const lat = load<{ rounds: Round[] }>({ mode: 'latency', arms: armList, warmup: sizes.latencyWarmup, requests: sizes.latencyRequests, rounds: Math.max(sizes.minRounds, runs), body: BODY });
    const ttft = load<{ rounds: Round[] }>({ mode: 'ttft', arms: armList, warmup: Math.min(200, sizes.latencyWarmup), requests: sizes.ttftRequests, rounds: Math.max(sizes.minRounds, runs), body: STREAM_BODY });

    // Rounds are paired (the two arms back to back), so the median of per-round ratios resists drift in the machine's load.
    const ratio = median(rps.serve.map((x, i) => x / rps.proxy[i]!));
    const overProxyP50 = median(lat.rounds.map((r) => r.serve!.p50 - r.proxy!.p50));
    const a = {
      serveP50: median(added(lat.rounds, 'serve', 'p50')),
      serveP99: median(added(lat.rounds, 'serve', 'p99')),
      proxyP50: median(added(lat.rounds, 'proxy', 'p50')),
      proxyP99: median(added(lat.rounds, 'proxy', 'p99')),
      ttftServe: median(added(ttft.rounds, 'serve', 'p50')),
      ttftProxy: median(added(ttft.rounds, 'proxy', 'p50')),
    };
    return {
      pinned: pinned ? 'P1: proxy and serve on cpu1; mock and load generator on cpu0' : 'unpinned (no taskset or one core)',
      throughput: {
        connections: 50,
        measuredS: sizes.durationS,
        proxyRps: round(median(rps.proxy)),
        proxyRange: range(rps.proxy).map((x) => round(x)),
        serveRps: round(median(rps.serve)),
        serveRange: range(rps.serve).map((x) => round(x)),
        serveOverProxy: round(ratio, 3),
        serveOverProxyOfMedians: round(median(rps.serve) / median(rps.proxy), 3),
        /** CPU time (user + system) of each server process per request, over the measured seconds only. */
        cpuUsPerRequest: { proxy: round(median(cpu.proxy), 1), serve: round(median(cpu.serve), 1), proxyRange: range(cpu.proxy).map((x) => round(x, 1)), serveRange: range(cpu.serve).map((x) => round(x, 1)) },
        /** What the arms could carry with a core each: proxy CPU per request ÷ serve's (median of the per-round ratios; robust to the machine's load). */
        cpuCapacityRatio: round(median(cpu.serve.map((x, i) => cpu.proxy[i]! / x)), 3),
        target: THROUGHPUT_TARGET,
        met: ratio >= THROUGHPUT_TARGET,
      },
      addedLatencyUs: {
        direct: { p50: round(median(lat.rounds.map((r) => r.direct!.p50)), 1), p99: round(median(lat.rounds.map((r) => r.direct!.p99)), 1) },
        serve: { p50: round(a.serveP50, 1), p99: round(a.serveP99, 1), p50Range: range(added(lat.rounds, 'serve', 'p50')).map((x) => round(x, 1)), p99Range: range(added(lat.rounds, 'serve', 'p99')).map((x) => round(x, 1)) },
        proxy: { p50: round(a.proxyP50, 1), p99: round(a.proxyP99, 1) },
        /** What routing adds over the bare proxy (serve − proxy within each round). */
        serveMinusProxy: { p50: round(overProxyP50, 1), p99: round(median(lat.rounds.map((r) => r.serve!.p99 - r.proxy!.p99)), 1) },
        requestsPerArmPerRound: sizes.latencyRequests,
        rounds: lat.rounds.length,
        target: { overProxyP50: ADDED_OVER_PROXY_P50_US },
        met: overProxyP50 <= ADDED_OVER_PROXY_P50_US,
      },
      ttftAddedUs: { serve: round(a.ttftServe, 1), proxy: round(a.ttftProxy, 1), directP50: round(median(ttft.rounds.map((r) => r.direct!.p50)), 1), target: 1000, met: a.ttftServe <= 1000 },
      loadAverage: { before: loadBefore.map((x) => round(x, 2)), after: os.loadavg().map((x) => round(x, 2)) },
      met: ratio >= THROUGHPUT_TARGET && overProxyP50 <= ADDED_OVER_PROXY_P50_US && a.ttftServe <= 1000,
    };
  } finally {
    for (const p of procs) if (p.exitCode === null) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => (p.exitCode === null ? new Promise((r) => p.once('exit', r)) : undefined)));
    rmSync(tmp, { recursive: true, force: true });
  }
}
