/**
 * Every bench case, by name: what it measures (printed by `npm run bench -- --help`) and how to
 * run it. A case returns one JSON object; a figure stated against a ceiling measured in the same
 * run carries the ratio. `tiny` shrinks every size (the smoke test in test/bench runs each case
 * that way: it checks the case still runs, never a timing).
 */
import type { RunEnvironment } from '../src/runner/run-environment.js';
import { simulateFallback, writePath } from './engine-cases.js';
import { defaultSuite, parallelFour } from './parallel-cases.js';
import { azureAll, compare100k, decideCost, reportGeneration, streamRss } from './suite-cases.js';
import { benchServeVsProxy } from './serve-vs-proxy.js';
import { importerThroughput } from './importer-cases.js';
import { calibrateMillion, recordThroughput } from './record-cases.js';
import { cliStartup } from './startup-case.js';
import { generatorLagCase, mockServerCase, mockServerStreamCase, mswReplayCase } from './replay-cases.js';

export interface CaseContext {
  /** Repetitions per arm (the report gives the median and range). */
  runs: number;
  tiny: boolean;
  /** Scratch folder for databases and traces. */
  tmp: string;
  /** The repository root. */
  root: string;
  env: RunEnvironment;
}

export interface BenchCase {
  name: string;
  what: string;
  target: string;
  run(ctx: CaseContext): Promise<Record<string, unknown>>;
}

const TINY_SERVE = { warmupS: 0, durationS: 1, latencyWarmup: 20, latencyRequests: 100, ttftRequests: 20, minRounds: 1 };

export const BENCH_CASES: readonly BenchCase[] = [
  { name: 'simulate-fallback-1m', what: '1M synthetic requests, fallback over 3 targets (5% errors each), into a fresh DuckDB file as `routebench run` does (the engine in a worker thread) and on the main thread alone, against the engine alone with a null sink, all in one node process on the built package', target: 'end to end >= 0.6 of engine-alone', run: simulateFallback },
  { name: 'duckdb-write-path', what: '1,048,576 attempt rows: AttemptWriter vs prebuilt chunks appended (native ceiling) vs the appender row by row (columns derived from the table); Parquet export and re-insert of the same rows', target: 'ratios reported', run: writePath },
  { name: 'parallel-4-strategies', what: 'one scenario, 4 strategies x 250k requests, built package: the main thread (--workers 1) against 2 worker threads, and the machine ceiling (two independent copies of one job at once vs one alone), same run', target: '2 workers >= 1.7x faster', run: parallelFour },
  { name: 'default-suite', what: '`routebench run scenarios/` (built CLI, child process, reports included) with --workers <available parallelism> against --workers 1: wall time, peak RSS', target: '<= 6 s wall; peak RSS <= 400 MB', run: defaultSuite },
  { name: 'azure-all-strategies', what: 'the Azure LLM 2023 code trace (8,819 requests) through all ten strategies, to summary-ready DuckDB', target: '<= 2 s', run: azureAll },
  { name: 'report-1m-rows', what: 'writeReport for ~1.2M attempt rows over 4 strategies (summary, comparisons with 1,000 resamples, 7 charts as vega-lite + SVG + PNG, HTML)', target: '<= 3 s', run: reportGeneration },
  { name: 'compare-100k', what: 'compareRuns between two runs of 100,000 requests, 1,000 bootstrap resamples', target: '<= 2 s', run: compare100k },
  { name: 'stream-10m-rss', what: 'a 10M-request JSONL trace streamed through simulate in a child process (the built package; the engine in a worker thread, as routebench run does by default): its peak RSS', target: '<= 300 MB', run: streamRss },
  { name: 'decide-cost', what: 'tinybench: mean and p99 of one decide() call, every registered strategy', target: 'p99 <= 5 us', run: decideCost },
  { name: 'serve-vs-proxy', what: 'routebench serve --strategy fallback against a bare node:http + undici proxy in front of an instant mock: req/s at 50 connections, added latency at concurrency 1, streaming TTFT', target: 'serve >= 0.85 of the proxy req/s; added p50 <= proxy + 10 us', run: (c) => benchServeVsProxy(c.runs, c.tiny ? TINY_SERVE : undefined) },
  { name: 'msw-replay-100-targets', what: 'replayScenario over msw, 100 perfect targets, open-loop 2,500 req/s for 5 s: completed req/s, latency, generator lag', target: '>= 2,000 req/s', run: (c) => mswReplayCase(c.runs, c.tmp, c.env, c.tiny) },
  { name: 'mock-server-replay-stream', what: 'replayScenario with --mock-url, the loopback mock server in a child process (cpu 1), the replay in another (the built package, cpu 0), 8 perfect targets, every request streamed, open-loop Poisson 5,000 req/s for 5 s: completed req/s, generator lag, CPU-seconds per 1,000 requests of each process; ceiling: a bare streaming client (undici, closed loop) against the same server', target: '>= 5,000 req/s sustained, p99 lag <= 2 ms', run: (c) => mockServerStreamCase(c.runs, c.tmp, c.env, c.tiny, c.root) },
  { name: 'mock-server-json', what: 'the loopback mock server (child, cpu 1) under autocannon (child, cpu 0), JSON replies, 10/50/100 connections', target: '>= 20,000 req/s', run: (c) => mockServerCase(c.runs, c.tiny) },
  { name: 'generator-lag-1000rps', what: 'the open-loop arrival scheduler at 1,000 req/s for 10 s, constant and Poisson: lag p50/p99/max', target: 'p99 <= 1 ms', run: (c) => generatorLagCase(c.runs, c.tiny) },
  { name: 'record-5k', what: 'routebench record in front of the loopback mock server: autocannon req/s at 50 connections direct (ceiling) and through the recorder; added TTFT of streamed calls one at a time (interleaved)', target: '>= 5,000 req/s; added TTFT p99 <= 1 ms', run: recordThroughput },
  { name: 'calibrate-1m', what: 'calibrate() over a generated trace of 1,000,000 observed calls (two targets, streams, 2% errors)', target: '<= 10 s', run: calibrateMillion },
  { name: 'cli-startup', what: 'the built CLI (bin/routebench.js; builds dist/ first when it is older than src/) from process start to exit: --help and validate scenarios/quickstart.yaml, against a bare `node -e 0` start, interleaved; wall and CPU ms', target: '<= 250 ms wall each', run: cliStartup },
  { name: 'importers-200k', what: 'the log importers (otel-genai, litellm, openrouter, portkey), 200,000 generated rows each: into requests against a bare JSON.parse per line and the trace reader on the JSONL they wrote (same run), and `routebench import` end to end; rows/s and rows per CPU-s', target: '>= 200,000 rows/s', run: importerThroughput },
];

export function helpText(): string {
  const width = Math.max(...BENCH_CASES.map((c) => c.name.length));
  return [
    'npm run bench [-- --only name,name] [-- --runs N] [-- --tiny] [-- --out file.json]',
    '',
    'Runs every case (or those named), prints one JSON report and saves it as bench/results/<time>.json.',
    'The report records the CPU model, cores, load average, Node version and commit.',
    '`npm run bench:table -- <file.json>` regenerates the table in docs/performance.md from one report.',
    '',
    'cases:',
    ...BENCH_CASES.map((c) => `  ${c.name.padEnd(width)}  ${c.what}\n  ${' '.repeat(width)}  target: ${c.target}`),
    '',
  ].join('\n');
}
