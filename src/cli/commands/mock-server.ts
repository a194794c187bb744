/**
 * `routebench mock-server --scenario <file> --port N`: the scenario's mock providers over loopback
 * HTTP until Ctrl-C, one base URL per target, for any client, SDK or gateway. On Ctrl-C it prints
 * its `/_routebench/stats` line: requests served, CPU, and its one-core ceiling in req/s.
 */
import type { Argv } from 'yargs';
import { portOption, seedOption } from './common-options.js';
import { ExitCode, inputError } from '../../errors.js';
import { createMocks, planScenario } from '../../engine/plan-scenario.js';
import { checkTimeScale } from '../../engine/time-scale.js';
import { assertLoopbackHost, startMockServer } from '../../providers/mock/mock-http-server.js';
import { MockService } from '../../providers/mock/mock-service.js';
import { formatStats } from '../../providers/mock/server-stats.js';
import { loadScenario } from '../../scenario/load-scenario.js';
import type { Io } from '../io.js';

export interface MockServerArgs {
  scenario: string;
  port: number;
  host: string;
  'time-scale': number;
  seed?: number;
  'allow-remote': boolean;
  'max-body-mb': number;
}

export function mockServerBuilder(y: Argv): Argv<MockServerArgs> {
  return y
    .option('scenario', { type: 'string', demandOption: true, describe: 'scenario whose targets (and incidents) to serve' })
    .option('port', { type: 'number', coerce: portOption('port'), default: 7070, describe: 'port on 127.0.0.1 (0: any free port)' })
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'interface; loopback only unless --allow-remote' })
    .option('allow-remote', { type: 'boolean', default: false, describe: 'allow a non-loopback --host (the mocks then answer anyone who can reach them)' })
    .option('max-body-mb', { type: 'number', default: 32, describe: 'largest request body in MB (1 MB = 1,048,576 bytes); larger ones get a 413 in the dialect of the target' })
    .option('time-scale', { type: 'number', default: 1, describe: 'serve this many times faster than the scenario says' })
    .option('seed', { type: 'number', coerce: seedOption, describe: 'override the scenario seed' }) as unknown as Argv<MockServerArgs>;
}

export async function mockServerHandler(args: MockServerArgs, io: Io): Promise<number> {
  checkTimeScale(args['time-scale']);
  const maxBodyBytes = Math.floor(args['max-body-mb'] * 1024 * 1024);
  if (!(maxBodyBytes >= 1)) throw inputError('BAD_OPTION', `--max-body-mb must be greater than 0, got ${args['max-body-mb']}`);
  // Before the scenario is read: a refused --host is a usage error whatever the scenario says.
  if (!args['allow-remote']) assertLoopbackHost(args.host);
  const plan = planScenario(await loadScenario(args.scenario), { seed: args.seed });
  const service = new MockService(plan.targets, () => createMocks(plan), () => performance.now(), { defaultScale: args['time-scale'] });
  const server = await startMockServer(service, { host: args.host, port: args.port, allowRemote: args['allow-remote'], maxBodyBytes });
  io.out(`routebench mock-server for ${plan.name} on ${server.url} (Ctrl-C to stop)\n`);
  for (const t of plan.targets) io.out(`  ${t.id.padEnd(16)} ${server.url}/t/${t.id}/v1/${t.dialect === 'anthropic' ? 'messages' : 'chat/completions'}\n`);
  io.out(`  hit log          ${server.url}/_routebench/hits\n`);
  io.out(`  stats            ${server.url}/_routebench/stats\n`);
  await new Promise<void>((resolve) => {
    const off = io.onInterrupt(() => {
      off();
      resolve();
    });
  });
  const stats = server.stats();
  await server.close();
  io.out(`stats: ${formatStats(stats)}\n`);
  io.out(`stopped after ${service.hits.size} ${service.hits.size === 1 ? 'request' : 'requests'}\n`);
  return ExitCode.ok;
}
