/**
 * The replay arm of `mock-server-replay-stream` as a user runs it: the built package (dist/) in a
 * fresh plain `node` process, pinned to cpu 0 under taskset when it exists (the mock server has
 * cpu 1), so the replay client neither shares a core with the server nor carries the bench
 * process's TypeScript loader. Prints the same figures as benchMswReplay (msw-replay-case.ts).
 * `--tiny` (npm test's smoke run) keeps the in-process replay from the sources.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MswReplayResult } from './msw-replay-case.js';
import { mswReplayScenario } from './msw-replay-case.js';
import { hasTaskset } from './mock-server-process.js';
import { ensureBuilt, nodeJson, rootUrl, scriptFile } from './util.js';

/** argv: root URL, scenario file, database, mock URL. Prints one JSON line (MswReplayResult). */
const BUILT_REPLAY = `
import { readFileSync } from 'node:fs';
const [, , root, file, db, mockUrl] = process.argv;
const dist = (rel) => import(new URL('dist/' + rel, root).href);
const { parseScenario } = await dist('scenario/load-scenario.js');
const { openStore } = await dist('store/open-store.js');
const { replayScenario } = await dist('runner/run-replay.js');
const env = { wallClock: () => new Date(), monotonicMs: () => performance.now(), harnessVersion: 'bench', gitCommit: null, host: {} };
const loaded = parseScenario(readFileSync(file, 'utf8'), file);
const store = await openStore(db);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const result = await replayScenario(loaded, { store, env, transport: 'mock-server', mockUrl, timeScale: 1, realNow: () => performance.now(), processEnv: {} });
const cpu = process.cpuUsage(cpu0);
const wallMs = performance.now() - t0;
const runNo = result.runs[0].runNo;
const [r] = await store.all(\`
  SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE success)::INTEGER AS ok,
         (max(scheduled_ms + duration_ms) - min(scheduled_ms))::DOUBLE AS window_ms,
         quantile_cont(latency_ms, 0.5)::DOUBLE AS p50, quantile_cont(latency_ms, 0.99)::DOUBLE AS p99,
         quantile_cont(lag_ms, 0.99)::DOUBLE AS lag99, max(lag_ms)::DOUBLE AS lagmax
  FROM requests WHERE run_no = \${runNo}\`);
store.close();
process.stdout.write(JSON.stringify({ requests: r.n, completedPerS: (r.ok / r.window_ms) * 1000, success: r.ok / r.n, p50LatencyMs: r.p50, p99LatencyMs: r.p99, p99LagMs: r.lag99, maxLagMs: r.lagmax, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 }) + '\\n');
`;

export interface ReplayChildSize {
  targets: number;
  rate: number;
  seconds: number;
  stream: number;
}

/** One replay over the mock server at `mockUrl`, in a child process running the built package. */
export function builtReplay(root: string, tmp: string, db: string, size: ReplayChildSize, mockUrl: string): MswReplayResult & { pinned: boolean } {
  ensureBuilt(root);
  const file = path.join(tmp, 'stream-replay.yaml');
  writeFileSync(file, mswReplayScenario(size.targets, size.rate, size.seconds, size.stream));
  const pinned = hasTaskset();
  const r = nodeJson<MswReplayResult>([scriptFile(tmp, 'replay-child', BUILT_REPLAY), rootUrl(root), file, db, mockUrl], {
    cwd: root,
    timeoutMs: 300_000,
    what: 'replay child',
    ...(pinned ? { cpu: 0 } : {}),
  });
  return { ...r, pinned };
}
