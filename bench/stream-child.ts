/** Child process for the memory benchmark: streams a trace through simulate and reports peak RSS. */
import { parseScenario } from '../src/scenario/load-scenario.js';
import { openStore } from '../src/store/open-store.js';
import os from 'node:os';
import { runSuiteParallel } from '../src/runner/workers/run-parallel.js';
import { traceScenario } from './cases.js';
import { boundHeapGrowth } from '../src/runner/heap-growth.js';

// as `routebench run` does before it simulates
boundHeapGrowth();
const [trace, db] = process.argv.slice(2) as [string, string];
const store = await openStore(db);
const t0 = performance.now();
const text = traceScenario(trace);
// As `routebench run` does by default: the simulation in a worker thread, rows appended here.
const [result] = await runSuiteParallel([{ loaded: parseScenario(text, 'bench/stream.yaml'), labels: ['fallback'] }], {
  store,
  env: { wallClock: () => new Date(), monotonicMs: () => performance.now(), harnessVersion: 'bench', gitCommit: null, host: {} },
  workers: os.availableParallelism(),
  texts: new Map([['bench/stream.yaml', text]]),
});
const ms = performance.now() - t0;
store.close();
const requests = result!.runs[0]!.requests;
process.stdout.write(`${JSON.stringify({ requests, ms, requestsPerS: (requests / ms) * 1000, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
