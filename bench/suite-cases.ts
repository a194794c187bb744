/**
 * Whole-feature cases: a real trace through every strategy, report generation, comparison, a
 * 10M-request trace streamed in a child process (peak RSS; stream-process.ts), and decision cost per strategy.
 * Each takes the case context: `tiny` shrinks every size for the smoke test (no targets judged).
 */
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import os from 'node:os';
import { once } from 'node:events';
import path from 'node:path';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { openStore } from '../src/store/open-store.js';
import { runScenario } from '../src/runner/run-scenario.js';
import { writeReport } from '../src/report/write-report.js';
import { azureAllStrategies, reportScenario } from './cases.js';
import { benchCompare } from './compare-case.js';
import { benchDecideCost, CONTENT_INSPECTION, DECIDE_P99_TARGET_US } from './decide-cost.js';
import type { CaseContext } from './case-registry.js';
import { freshDb, gc, median, range, round, stat } from './util.js';
import { streamChild } from './stream-process.js';

export const STREAM_RSS_TARGET_MB = 300;

export async function azureAll(ctx: CaseContext): Promise<Record<string, unknown>> {
  const trace = path.join(ctx.root, 'fixtures/traces/azure-llm-2023-code.csv');
  const loaded = parseScenario(azureAllStrategies(trace), path.join(ctx.root, 'bench/azure-all.yaml'));
  const times: number[] = [];
  let strategies = 0;
  let requests = 0;
  for (let i = 0; i < ctx.runs; i++) {
    gc();
    const store = await openStore(freshDb(ctx.tmp, 'azure'));
    const t0 = performance.now();
    const result = await runScenario(loaded, { store, env: ctx.env, limit: ctx.tiny ? 200 : undefined });
    times.push(performance.now() - t0);
    strategies = result.runs.length;
    requests = result.runs[0]!.requests;
    store.close();
  }
  return { requests, strategies, ms: stat(times), target: 2000, met: median(times) <= 2000 };
}

export async function reportGeneration(ctx: CaseContext): Promise<Record<string, unknown>> {
  const store = await openStore(freshDb(ctx.tmp, 'report'));
  const result = await runScenario(parseScenario(reportScenario(ctx.tiny ? 2000 : 240_000), 'bench/report.yaml'), { store, env: ctx.env });
  const rows = result.runs.reduce((a, r) => a + r.attemptRows, 0);
  const times: number[] = [];
  let files = 0;
  for (let i = 0; i < ctx.runs; i++) {
    gc();
    const t0 = performance.now();
    const written = await writeReport(store, { ...result, traffic: result.trafficDescription }, path.join(ctx.tmp, 'report-out'), { resamples: ctx.tiny ? 100 : 1000 });
    times.push(performance.now() - t0);
    files = written.files.length;
  }
  store.close();
  return { attemptRows: rows, strategies: result.runs.length, files, ms: stat(times), target: 3000, met: median(times) <= 3000 };
}

export async function compare100k(ctx: CaseContext): Promise<Record<string, unknown>> {
  const times: number[] = [];
  let info = { requestsPerSide: 0, resamples: 0 };
  for (let i = 0; i < ctx.runs; i++) {
    gc();
    const r = ctx.tiny ? await benchCompare(1000, 100) : await benchCompare();
    times.push(r.ms);
    info = { requestsPerSide: r.requestsPerSide, resamples: r.resamples };
  }
  return { ...info, ms: stat(times, 1), target: 2000, met: median(times) <= 2000 };
}

/** A routebench JSONL trace of n requests (~1,000 req/s, cached in the temp folder). */
async function ensureTrace(file: string, n: number): Promise<void> {
  if (existsSync(file) && statSync(file).size > n * 40) return;
  const out = createWriteStream(file);
  let t = 0;
  let seed = 12345;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
  const tags = ['{"project":"web"}', '{"project":"batch"}', '{"project":"web","team":"growth"}'];
  for (let i = 0; i < n; i += 10_000) {
    let chunk = '';
    for (let j = 0; j < 10_000 && i + j < n; j++) {
      t += -Math.log(1 - rand()) * 1;
      chunk += `{"arrival_ms":${t.toFixed(3)},"route":"chat","input_tokens":${200 + Math.floor(rand() * 3000)},"output_tokens":${20 + Math.floor(rand() * 500)},"stream":${rand() < 0.5},"tags":${tags[(i + j) % 3]}}\n`;
    }
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
}

export async function streamRss(ctx: CaseContext): Promise<Record<string, unknown>> {
  const n = ctx.tiny ? 20_000 : 10_000_000;
  // Cached across bench runs (generating 10M rows takes a while): one folder, not the run's scratch.
  const cache = path.join(os.tmpdir(), 'routebench-bench-traces');
  mkdirSync(cache, { recursive: true });
  const trace = path.join(cache, `trace-${n}.jsonl`);
  await ensureTrace(trace, n);
  const r = streamChild(ctx, trace);
  return { code: r.code, requests: r.requests, traceBytes: statSync(trace).size, seconds: round(r.ms / 1000, 1), requestsPerS: round(r.requestsPerS), peakRssMb: round(r.peakRssMb), target: STREAM_RSS_TARGET_MB, met: r.peakRssMb <= STREAM_RSS_TARGET_MB };
}

export async function decideCost(ctx: CaseContext): Promise<Record<string, unknown>> {
  // One tinybench pass per run; per strategy, the median over runs of its mean and p99.
  const passes: Awaited<ReturnType<typeof benchDecideCost>>[] = [];
  for (let i = 0; i < ctx.runs; i++) {
    gc();
    passes.push(await benchDecideCost(ctx.tiny ? { timeMs: 20, warmupMs: 5 } : {}));
  }
  const missing = passes[0]!.missing;
  const rows = passes[0]!.rows.map((row) => {
    const same = passes.map((p) => p.rows.find((r) => r.strategy === row.strategy)!);
    const p99 = median(same.map((r) => r.p99_us));
    return { strategy: row.strategy, mean_us: median(same.map((r) => r.mean_us)), p50_us: median(same.map((r) => r.p50_us)), p99_us: p99, p99_range_us: range(same.map((r) => r.p99_us)), samples: row.samples, after_failure_share: row.after_failure_share, contentInspection: CONTENT_INSPECTION.has(row.strategy), met: CONTENT_INSPECTION.has(row.strategy) || p99 <= DECIDE_P99_TARGET_US };
  });
  return { targetP99Us: DECIDE_P99_TARGET_US, strategies: rows, missingStrategies: missing, met: missing.length === 0 && rows.every((r) => r.met) };
}
