/**
 * The replay arm of `mock-server-replay-stream` as a user runs it: the built package (dist/) in a
 * fresh plain `node` process, pinned to cpu 0 under taskset when it exists (the mock server has
 * cpu 1), so the replay client neither shares a core with the server nor carries the bench
 * process's TypeScript loader. The figures come from the database afterwards, by the same query
 * as benchMswReplay's (replayFigures in msw-replay-case.ts).
 * `--tiny` (npm test's smoke run) keeps the in-process replay from the sources.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MswReplayResult } from './msw-replay-case.js';
import { mswReplayScenario, replayFigures } from './msw-replay-case.js';
import { openStore } from '../src/store/open-store.js';
import { hasTaskset } from './mock-server-process.js';
import { ensureBuilt, nodeJson, rootUrl, scriptFile } from './util.js';

/** argv: root URL, scenario file, database, mock URL. Prints one JSON line: the run's number, its wall and CPU time. */
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
store.close();
process.stdout.write(JSON.stringify({ runNo: result.runs[0].runNo, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 }) + '\\n');
`;

export interface ReplayChildSize {
  targets: number;
  rate: number;
  seconds: number;
  stream: number;
}

/** One replay over the mock server at `mockUrl`, in a child process running the built package. */
export async function builtReplay(root: string, tmp: string, db: string, size: ReplayChildSize, mockUrl: string): Promise<MswReplayResult & { pinned: boolean }> {
  ensureBuilt(root);
  const file = path.join(tmp, 'stream-replay.yaml');
  writeFileSync(file, mswReplayScenario(size.targets, size.rate, size.seconds, size.stream));
  const pinned = hasTaskset();
  const r = nodeJson<{ runNo: number; wallMs: number; cpuMs: number }>([scriptFile(tmp, 'replay-child', BUILT_REPLAY), rootUrl(root), file, db, mockUrl], {
    cwd: root,
    timeoutMs: 300_000,
    what: 'replay child',
    ...(pinned ? { cpu: 0 } : {}),
  });
  const store = await openStore(db, { readOnly: true });
  try {
    return { ...(await replayFigures(store, r.runNo)), wallMs: r.wallMs, cpuMs: r.cpuMs, pinned };
  } finally {
    store.close();
  }
}
