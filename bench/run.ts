/**
 * `npm run bench [-- --only name,name] [-- --runs N]`: performance targets, as JSON on stdout and in
 * bench/results/<time>.json. Medians of N runs (default 3); this machine is noisy, so compare
 * ratios measured within one run. Cases:
 *
 *   simulate-fallback-1m   1M synthetic requests → engine (fallback over 3 targets, 5% errors each)
 *                          → DuckDB file, end to end (target ≥ 400k requests/s)
 *   duckdb-write-path      routebench's column-wise writer vs the appender row by row, same 1M rows
 *   stream-10m-rss         a 10M-request JSONL trace streamed through simulate (target peak RSS ≤ 1 GB)
 *   azure-all-strategies   the Azure code trace (8,819 requests) through all 10 strategies (target ≤ 2 s)
 *   report-1m-rows         HTML report (all charts, SVG + PNG, summary, comparisons) for a run group of
 *                          ~1.2M attempt rows over 4 strategies (target ≤ 3 s)
 *   compare-100k           compare two runs of 100k requests each, 1,000 bootstrap resamples (target ≤ 2 s)
 *   decide-cost            tinybench: mean and p99 of one `decide` call, every registered strategy (the
 *                          product ones fed fixtures/configs/), bench/decide-cost.yaml (target p99 ≤ 5 µs)
 *   msw-replay-100-targets replayScenario over msw, 100 perfect targets, open-loop 2,500 req/s for 5 s:
 *                          completed req/s, p50/p99 latency, p99 generator lag (target ≥ 2,000 req/s)
 *   mock-server-json       the loopback mock server in a child (taskset cpu 1) under autocannon (cpu 0),
 *                          non-streaming JSON, 10/50/100 connections; req/s, p50/p99, its own
 *                          /_routebench/stats ceiling_rps (target ≥ 20,000 req/s)
 *   generator-lag-1000rps  the open-loop arrival scheduler at 1,000 req/s for 10 s, constant and
 *                          Poisson: p50/p99/max lag (target p99 ≤ 1 ms)
 *   serve-vs-proxy         `routebench serve --strategy fallback` and a bare node:http + undici proxy, each in
 *                          its own child in front of an instant mock: autocannon req/s at 50 connections
 *                          (target ≥ 70% of the proxy's), added latency at concurrency 1 vs direct
 *                          (target p50 ≤ 150 µs, p99 ≤ 500 µs), streaming TTFT added (target ≤ 1 ms)
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { openStore } from '../src/store/open-store.js';
import { runScenario } from '../src/runner/run-scenario.js';
import { AttemptWriter } from '../src/store/write-attempts.js';
import { newBatch, type AttemptBatch } from '../src/engine/attempt-rows.js';
import { azureAllStrategies, fallbackScenario, reportScenario } from './cases.js';
import { writeReport } from '../src/report/write-report.js';
import { benchCompare } from './compare-case.js';
import { benchDecideCost, DECIDE_P99_TARGET_US } from './decide-cost.js';
import { benchServeVsProxy } from './serve-vs-proxy.js';
import { generatorLagCase, mockServerCase, mswReplayCase } from './replay-cases.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1]!.split(',') : undefined;
const runs = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 3;
const tmp = path.join(os.tmpdir(), 'routebench-bench');
mkdirSync(tmp, { recursive: true });
const env = { wallClock: () => new Date(), monotonicMs: () => performance.now(), harnessVersion: 'bench', gitCommit: null, host: {} };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const range = (xs: number[]) => [Math.min(...xs), Math.max(...xs)];
const round = (x: number, d = 0) => Math.round(x * 10 ** d) / 10 ** d;
const freshDb = (name: string) => {
  const f = path.join(tmp, `${name}.duckdb`);
  rmSync(f, { force: true });
  rmSync(`${f}.wal`, { force: true });
  return f;
};
const gc = () => (globalThis as { gc?: () => void }).gc?.();

async function simulateFallback(): Promise<Record<string, unknown>> {
  const n = 1_000_000;
  const loaded = parseScenario(fallbackScenario(n), 'bench/fallback.yaml');
  const rates: number[] = [];
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    gc();
    const store = await openStore(freshDb('fallback'));
    const t0 = performance.now();
    const result = await runScenario(loaded, { store, env });
    const ms = performance.now() - t0;
    store.close();
    rows = result.runs[0]!.attemptRows;
    rates.push((n / ms) * 1000);
  }
  return { requests: n, attemptRows: rows, requestsPerS: round(median(rates)), range: range(rates).map((x) => round(x)), target: 400_000, met: median(rates) >= 400_000 };
}

function syntheticBatch(size: number): AttemptBatch {
  const b = newBatch(1, size);
  b.length = size;
  for (let i = 0; i < size; i++) {
    b.requestNo[i] = i;
    b.attemptNo[i] = i % 3;
    b.targetNo[i] = i % 3;
    b.scheduledMs[i] = i * 1.7;
    b.sentMs[i] = i * 1.7;
    b.firstTokenMs[i] = i % 2 ? NaN : i * 1.9;
    b.endMs[i] = i * 2.3;
    b.outcome[i] = i % 20 === 0 ? 1 : 0;
    b.httpStatus[i] = i % 20 === 0 ? 500 : 200;
    b.errorKind[i] = i % 20 === 0 ? 3 : -1;
    b.retryable[i] = i % 20 === 0 ? 1 : 0;
    b.retryAfterMs[i] = NaN;
    b.tokensIn[i] = 1000 + (i % 77);
    b.tokensCached[i] = 0;
    b.tokensOut[i] = 100 + (i % 13);
    b.costUsd[i] = 0.0001 * (i % 100);
    b.reasonNo[i] = i % 4;
    b.tagsetNo[i] = i % 2;
    b.routeNo[i] = 0;
    b.stream[i] = i & 1;
    b.incidentNo[i] = -1;
    b.maxGapMs[i] = NaN;
  }
  return b;
}

async function writePath(): Promise<Record<string, unknown>> {
  const size = 16_384;
  const batches = 64; // 1,048,576 rows
  const n = size * batches;
  const batch = syntheticBatch(size);
  const ours: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < runs; i++) {
    // routebench: typed arrays copied column-wise into data chunks
    let store = await openStore(freshDb('write'));
    const w = await AttemptWriter.open(store);
    let t0 = performance.now();
    for (let k = 0; k < batches; k++) w.append(batch);
    w.flush();
    w.close();
    ours.push((n / (performance.now() - t0)) * 1000);
    store.close();
    // the appender's raw rate: typed appends row by row, same rows
    store = await openStore(freshDb('write-raw'));
    const a = await store.con.createAppender('attempts');
    t0 = performance.now();
    for (let k = 0; k < batches; k++) {
      const b = batch;
      for (let r = 0; r < size; r++) {
        a.appendInteger(1);
        a.appendInteger(b.requestNo[r]!);
        a.appendInteger(b.attemptNo[r]!);
        a.appendInteger(b.targetNo[r]!);
        a.appendDouble(b.scheduledMs[r]!);
        a.appendDouble(b.sentMs[r]!);
        const ft = b.firstTokenMs[r]!;
        if (ft === ft) a.appendDouble(ft);
        else a.appendNull();
        a.appendDouble(b.endMs[r]!);
        a.appendVarchar(b.outcome[r] === 0 ? 'ok' : 'error');
        a.appendInteger(b.httpStatus[r]!);
        if (b.errorKind[r]! >= 0) a.appendVarchar('server_error');
        else a.appendNull();
        a.appendBoolean(b.retryable[r] === 1);
        a.appendNull();
        a.appendInteger(b.tokensIn[r]!);
        a.appendInteger(b.tokensCached[r]!);
        a.appendInteger(b.tokensOut[r]!);
        a.appendDouble(b.costUsd[r]!);
        a.appendInteger(b.reasonNo[r]!);
        a.appendInteger(b.tagsetNo[r]!);
        a.appendInteger(b.routeNo[r]!);
        a.appendBoolean(b.stream[r] === 1);
        a.appendNull();
        a.endRow();
      }
    }
    a.flushSync();
    a.closeSync();
    raw.push((n / (performance.now() - t0)) * 1000);
    store.close();
  }
  return {
    rows: n,
    columnWiseRowsPerS: round(median(ours)),
    appenderRowByRowRowsPerS: round(median(raw)),
    ratio: round(median(ours) / median(raw), 2),
    ranges: { columnWise: range(ours).map((x) => round(x)), rowByRow: range(raw).map((x) => round(x)) },
  };
}

async function ensureTrace(file: string, n: number): Promise<void> {
  if (existsSync(file) && statSync(file).size > n * 40) return;
  const out = createWriteStream(file);
  let t = 0;
  let seed = 12345;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
  const tags = ['{"project":"web"}', '{"project":"batch"}', '{"project":"web","team":"growth"}'];
  for (let i = 0; i < n; i += 10_000) {
    let chunk = '';
    for (let j = 0; j < 10_000 && i + j < n; j++) {
      t += -Math.log(1 - rand()) * 1; // ~1000 req/s
      chunk += `{"arrival_ms":${t.toFixed(3)},"route":"chat","input_tokens":${200 + Math.floor(rand() * 3000)},"output_tokens":${20 + Math.floor(rand() * 500)},"stream":${rand() < 0.5},"tags":${tags[(i + j) % 3]}}\n`;
    }
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
}

async function streamRss(): Promise<Record<string, unknown>> {
  const n = 10_000_000;
  const trace = path.join(tmp, 'trace-10m.jsonl');
  await ensureTrace(trace, n);
  const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench/stream-child.ts'), trace, freshDb('stream')], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`stream child failed: ${child.stderr}`);
  const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as { requests: number; ms: number; requestsPerS: number; peakRssMb: number };
  return { requests: r.requests, traceBytes: statSync(trace).size, seconds: round(r.ms / 1000, 1), requestsPerS: round(r.requestsPerS), peakRssMb: round(r.peakRssMb), target: 1024, met: r.peakRssMb <= 1024 };
}

async function azureAll(): Promise<Record<string, unknown>> {
  const trace = path.join(root, 'fixtures/traces/azure-llm-2023-code.csv');
  const loaded = parseScenario(azureAllStrategies(trace), path.join(root, 'bench/azure-all.yaml'));
  const times: number[] = [];
  let strategies = 0;
  for (let i = 0; i < runs; i++) {
    gc();
    const store = await openStore(freshDb('azure'));
    const t0 = performance.now();
    const result = await runScenario(loaded, { store, env });
    times.push(performance.now() - t0);
    strategies = result.runs.length;
    store.close();
  }
  return { requests: 8819, strategies, ms: round(median(times)), range: range(times).map((x) => round(x)), target: 2000, met: median(times) <= 2000 };
}

async function reportGeneration(): Promise<Record<string, unknown>> {
  const store = await openStore(freshDb('report'));
  const result = await runScenario(parseScenario(reportScenario(), 'bench/report.yaml'), { store, env });
  const rows = result.runs.reduce((a, r) => a + r.attemptRows, 0);
  const times: number[] = [];
  let files = 0;
  for (let i = 0; i < runs; i++) {
    gc();
    const t0 = performance.now();
    const written = await writeReport(store, { ...result, traffic: result.trafficDescription }, path.join(tmp, 'report-out'));
    times.push(performance.now() - t0);
    files = written.files.length;
  }
  store.close();
  return { attemptRows: rows, strategies: result.runs.length, files, ms: round(median(times)), range: range(times).map((x) => round(x)), target: 3000, met: median(times) <= 3000 };
}

async function compare100k(): Promise<Record<string, unknown>> {
  const times: number[] = [];
  let info = { requestsPerSide: 0, resamples: 0 };
  for (let i = 0; i < runs; i++) {
    gc();
    const r = await benchCompare();
    times.push(r.ms);
    info = { requestsPerSide: r.requestsPerSide, resamples: r.resamples };
  }
  return { ...info, ms: round(median(times)), range: range(times).map((x) => round(x)), target: 2000, met: median(times) <= 2000 };
}

async function decideCost(): Promise<Record<string, unknown>> {
  // One tinybench pass per run; per strategy, the median over runs of its mean and p99.
  const passes: Awaited<ReturnType<typeof benchDecideCost>>[] = [];
  for (let i = 0; i < runs; i++) {
    gc();
    passes.push(await benchDecideCost());
  }
  const missing = passes[0]!.missing;
  const rows = passes[0]!.rows.map((row) => {
    const same = passes.map((p) => p.rows.find((r) => r.strategy === row.strategy)!);
    const p99 = median(same.map((r) => r.p99_us));
    return { strategy: row.strategy, mean_us: median(same.map((r) => r.mean_us)), p50_us: median(same.map((r) => r.p50_us)), p99_us: p99, p99_range_us: range(same.map((r) => r.p99_us)), samples: row.samples, after_failure_share: row.after_failure_share, met: p99 <= DECIDE_P99_TARGET_US };
  });
  process.stderr.write(rows.map((r) => `  ${r.strategy.padEnd(16)} mean ${r.mean_us.toFixed(3).padStart(7)} µs  p99 ${r.p99_us.toFixed(3).padStart(7)} µs${r.met ? '' : '  (over target)'}\n`).join(''));
  return { targetP99Us: DECIDE_P99_TARGET_US, strategies: rows, missingStrategies: missing, met: missing.length === 0 && rows.every((r) => r.met) };
}

const cases: Record<string, () => Promise<Record<string, unknown>>> = {
  'simulate-fallback-1m': simulateFallback,
  'duckdb-write-path': writePath,
  'azure-all-strategies': azureAll,
  'report-1m-rows': reportGeneration,
  'compare-100k': compare100k,
  'stream-10m-rss': streamRss,
  'decide-cost': decideCost,
  'serve-vs-proxy': () => benchServeVsProxy(runs),
  'msw-replay-100-targets': () => mswReplayCase(runs, tmp, env),
  'mock-server-json': () => mockServerCase(runs),
  'generator-lag-1000rps': () => generatorLagCase(runs),
};

const results: Record<string, unknown> = {};
for (const [name, fn] of Object.entries(cases)) {
  if (only && !only.includes(name)) continue;
  process.stderr.write(`bench: ${name}…\n`);
  results[name] = await fn();
}
const cpus = os.cpus();
const report = { date: new Date().toISOString(), node: process.version, cpu: cpus[0]?.model, cores: cpus.length, runs, results };
const dir = path.join(root, 'bench/results');
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, `${report.date.replace(/[:.]/g, '-')}.json`), `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
