/**
 * Child process of the `mock-server-json` bench: the loopback mock server (startMockServer, the
 * code `routebench mock-server` runs) for one `perfect` target, alone in its process so its CPU is
 * its own. Prints `{"url":…}` when listening; when the parent closes stdin (or sends SIGTERM) it
 * prints its final `/_routebench/stats` snapshot as one JSON line and exits.
 *
 * argv[2]: time scale (the bench uses 1e6: the perfect profile's 260 ms reply becomes ~0.3 µs, so
 * the server, not the reply's timing, is what is measured).
 */
import { createMocks, planScenario } from '../src/engine/plan-scenario.js';
import { startMockServer } from '../src/providers/mock/mock-http-server.js';
import { MockService } from '../src/providers/mock/mock-service.js';
import { parseScenario } from '../src/scenario/load-scenario.js';

export const MOCK_BENCH_SCENARIO = `name: bench-mock-server
seed: 3
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 1 } }
targets:
  o: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }
strategies: { s: { use: single, options: { target: o } } }
`;

const scale = Number(process.argv[2] ?? 1e6);
const plan = planScenario(parseScenario(MOCK_BENCH_SCENARIO, 'bench/mock-server.yaml'));
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
