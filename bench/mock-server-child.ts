/**
 * Child process of the mock-server bench cases: the loopback mock server (startMockServer, the
 * code `routebench mock-server` runs), alone in its process so its CPU is its own. Prints
 * `{"url":…}` when listening; when the parent closes stdin (or sends SIGTERM) it prints its final
 * `/_routebench/stats` snapshot as one JSON line and exits. The parent reads the CPU it used for a
 * stretch of load from `GET /_routebench/stats` (`cpu_ms`) before and after.
 *
 * argv[2]: time scale (`mock-server-json` uses 1e6: the perfect profile's 260 ms reply becomes
 * ~0.3 µs, so the server, not the reply's timing, is what is measured).
 * argv[3]: the scenario: `json` (default: one `perfect` target) or `stream:<targets>` (the
 * `mock-server-replay-stream` scenario, msw-replay-case.ts, with that many targets).
 */
import { createMocks, planScenario } from '../src/engine/plan-scenario.js';
import { startMockServer } from '../src/providers/mock/mock-http-server.js';
import { MockService } from '../src/providers/mock/mock-service.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { mswReplayScenario } from './msw-replay-case.js';

export const MOCK_BENCH_SCENARIO = `name: bench-mock-server
seed: 3
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 1 } }
targets:
  o: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }
strategies: { s: { use: single, options: { target: o } } }
`;

const scale = Number(process.argv[2] ?? 1e6);
const which = process.argv[3] ?? 'json';
const text = which.startsWith('stream:') ? mswReplayScenario(Number(which.slice(7)), 1, 1, 1) : MOCK_BENCH_SCENARIO;
const plan = planScenario(parseScenario(text, 'bench/mock-server.yaml'));
const service = new MockService(plan.targets, () => createMocks(plan), () => performance.now(), { defaultScale: scale });
const server = await startMockServer(service, { port: 0 });
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`${JSON.stringify({ stats: server.stats(), hits: service.hits.size, rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) })}\n`);
  void server.close().then(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
};
process.once('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
