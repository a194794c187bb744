/**
 * Child-process entry of `routebench load`: the scenario's mock server, alone in its own process
 * so its CPU is its own (and measurable), on the given port. Prints one JSON line when listening:
 * `{"ready":true,"url":…,"pid":…,"targets":[{id,dialect,model}]}`, or `{"error":{code,message,hint}}`
 * and exits with the harness exit code (4 for a port in use). Stops on SIGTERM or when the parent
 * closes stdin. The hit log is cleared as it grows: a load run sends far more requests than it
 * needs to remember.
 *
 * argv[2]: JSON `{ scenario, port, seed?, streamGapMs }`.
 */
import { HarnessError, ExitCode } from '../errors.js';
import { createMocks, planScenario } from '../engine/plan-scenario.js';
import { startMockServer } from '../providers/mock/mock-http-server.js';
import { MockService } from '../providers/mock/mock-service.js';
import { loadScenario } from '../scenario/load-scenario.js';

interface MockChildArgs {
  scenario: string;
  port: number;
  seed?: number;
  streamGapMs: number;
}

const HIT_LOG_KEEP = 20_000;

async function main(args: MockChildArgs): Promise<void> {
  const plan = planScenario(await loadScenario(args.scenario), { seed: args.seed });
  const service = new MockService(plan.targets, () => createMocks(plan), () => performance.now(), { minGapMs: args.streamGapMs });
  const server = await startMockServer(service, { host: '127.0.0.1', port: args.port });
  const trim = setInterval(() => {
    if (service.hits.size > HIT_LOG_KEEP) service.hits.clear();
  }, 250);
  const stop = () => {
    clearInterval(trim);
    void server.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', () => undefined); // the parent decides when to stop (Ctrl-C reaches the whole group)
  process.stdin.on('end', stop);
  process.stdin.resume();
  process.stdout.write(`${JSON.stringify({ ready: true, url: server.url, pid: process.pid, targets: plan.targets.map((t) => ({ id: t.id, dialect: t.dialect, model: t.model })) })}\n`);
}

main(JSON.parse(process.argv[2] ?? '{}') as MockChildArgs).catch((e: unknown) => {
  const h = e instanceof HarnessError ? e : undefined;
  const error = { code: h?.code ?? 'MOCK_FAILED', message: (e as Error)?.message ?? String(e), hint: h?.hint, exitCode: h?.exitCode ?? ExitCode.internal, problems: h?.problems ?? [] };
  process.stdout.write(`${JSON.stringify({ error })}\n`);
  process.exit(error.exitCode);
});
