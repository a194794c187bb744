/**
 * The child process of `stream-10m-rss`: simulate streams a trace into a fresh DuckDB file and the
 * child reports its peak RSS; the simulation runs as `routebench run` runs it by default, in a
 * worker thread (rows appended on the main thread). The full bench runs it as users run routebench, the built package
 * (dist/) in a fresh plain `node` process, from a .mjs file written to the bench's temporary
 * folder: from the sources, tsx's loader thread and source maps add ~30 MB of their own (2M
 * requests here: 388 MB from the sources, 359 MB built). `--tiny` (npm test's smoke run) runs the
 * sources through tsx (stream-child.ts). Bounded: 15 minutes.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { traceScenario } from './cases.js';
import type { CaseContext } from './case-registry.js';
import { ensureBuilt, freshDb, nodeJson, rootUrl, scriptFile } from './util.js';

/** argv: root URL, scenario file, database. Prints { requests, ms, requestsPerS, peakRssMb }. */
const BUILT_STREAM = `
import { readFileSync } from 'node:fs';
const [, , root, file, db] = process.argv;
const dist = (rel) => import(new URL('dist/' + rel, root).href);
const { parseScenario } = await dist('scenario/load-scenario.js');
const { openStore } = await dist('store/open-store.js');
const { runSuiteParallel } = await dist('runner/workers/run-parallel.js');
const os = await import('node:os');
// as \`routebench run\` does before it simulates
(await dist('runner/heap-growth.js')).boundHeapGrowth();
const store = await openStore(db);
const t0 = performance.now();
const text = readFileSync(file, 'utf8');
// As \`routebench run\` does by default: the simulation in a worker thread, rows appended on this one.
const [result] = await runSuiteParallel([{ loaded: parseScenario(text, file), labels: ['fallback'] }], {
  store,
  env: { wallClock: () => new Date(), monotonicMs: () => performance.now(), harnessVersion: 'bench', gitCommit: null, host: {} },
  workers: os.availableParallelism(),
  texts: new Map([[file, text]]),
});
const ms = performance.now() - t0;
store.close();
const requests = result.runs[0].requests;
process.stdout.write(JSON.stringify({ requests, ms, requestsPerS: (requests / ms) * 1000, peakRssMb: process.resourceUsage().maxRSS / 1024 }) + '\\n');
`;

export interface StreamRun {
  requests: number;
  ms: number;
  requestsPerS: number;
  peakRssMb: number;
  code: string;
}

/** One streamed simulate of `trace` in a child process. */
export function streamChild(ctx: CaseContext, trace: string): StreamRun {
  const db = freshDb(ctx.tmp, 'stream');
  let args: string[];
  if (ctx.tiny) args = ['--import', 'tsx', path.join(ctx.root, 'bench/stream-child.ts'), trace, db];
  else {
    ensureBuilt(ctx.root);
    const file = path.join(ctx.tmp, 'stream.yaml');
    writeFileSync(file, traceScenario(trace));
    args = [scriptFile(ctx.tmp, 'stream-child', BUILT_STREAM), rootUrl(ctx.root), file, db];
  }
  const r = nodeJson<Omit<StreamRun, 'code'>>(args, { cwd: ctx.root, timeoutMs: 900_000, what: 'stream child' });
  return { ...r, code: ctx.tiny ? 'sources (tsx)' : 'built package (dist/), a plain node process' };
}
