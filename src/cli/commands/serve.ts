/**
 * `routebench serve --scenario <file> --strategy <label>`: one strategy of a scenario as an
 * OpenAI- and Anthropic-compatible gateway on loopback, in front of the scenario's targets (mocks
 * in-process, a running mock server, or the live APIs), until Ctrl-C.
 */
import type { Argv } from 'yargs';
import { portOption, seedOption } from './common-options.js';
import { ExitCode } from '../../errors.js';
import { loadScenario } from '../../scenario/load-scenario.js';
import { startServe } from '../../serve/start-serve.js';
import type { Io } from '../io.js';
import { count } from '../../plural.js';

export interface ServeArgs {
  scenario: string;
  strategy: string;
  port: number;
  host: string;
  'allow-remote': boolean;
  'mock-url'?: string;
  transport: 'mock-server' | 'live';
  'time-scale': number;
  seed?: number;
}

export function serveBuilder(y: Argv): Argv<ServeArgs> {
  return y
    .option('scenario', { type: 'string', demandOption: true, describe: 'scenario whose targets and strategy to serve' })
    .option('strategy', { type: 'string', demandOption: true, describe: "strategy label in the scenario; its router keeps state for the server's life" })
    .option('port', { type: 'number', coerce: portOption('port'), default: 8080, describe: 'port (0: any free port)' })
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'interface; loopback only unless --allow-remote' })
    .option('allow-remote', { type: 'boolean', default: false, describe: 'allow a non-loopback --host' })
    .option('mock-url', { type: 'string', describe: 'a running `routebench mock-server` as the upstream (default: start one in-process)' })
    .option('transport', { choices: ['mock-server', 'live'] as const, default: 'mock-server' as const, describe: "mock-server: the scenario's mocks; live: the targets' live APIs (keys from env)" })
    .option('time-scale', { type: 'number', default: 1, describe: 'mocks: run this many times faster than the scenario says' })
    .option('seed', { type: 'number', coerce: seedOption, describe: 'override the scenario seed' }) as unknown as Argv<ServeArgs>;
}

export async function serveHandler(args: ServeArgs, io: Io): Promise<number> {
  const loaded = await loadScenario(args.scenario);
  let faults = 0;
  const handle = await startServe({
    loaded,
    strategy: args.strategy,
    seed: args.seed,
    host: args.host,
    port: args.port,
    allowRemote: args['allow-remote'],
    transport: args.transport,
    mockUrl: args['mock-url'],
    timeScale: args['time-scale'],
    realNow: () => performance.now(),
    env: io.env,
    onFault: (e) => {
      // The first few are printed; each request concerned got a 500 and serving goes on.
      if (faults++ < 5) io.err(`error while routing a request: ${(e as Error)?.message ?? String(e)}\n`);
    },
  });
  // One write: whoever reads the banner sees it whole.
  const line = (path: string, ids: readonly string[]) => `  POST ${handle.url}${path}`.padEnd(52) + (ids.length > 0 ? ` → ${ids.join(', ')}\n` : ' → no target of this dialect (400)\n');
  const mixed = handle.endpoints.openai.length > 0 && handle.endpoints.anthropic.length > 0;
  io.out(
    `routebench serve: ${handle.strategy} from ${handle.scenario} on ${handle.url} (Ctrl-C to stop)\n` +
      line('/v1/chat/completions', handle.endpoints.openai) +
      line('/v1/messages', handle.endpoints.anthropic) +
      (mixed ? "  note: serve does not translate between wire formats: each endpoint routes only among its own dialect's targets\n" : '') +
      `  upstream: ${handle.upstream}\n`,
  );
  await new Promise<void>((resolve) => {
    const off = io.onInterrupt(() => {
      off();
      resolve();
    });
  });
  await handle.close();
  const c = handle.counters;
  io.out(`stopped after ${count(c.requests, 'request')}: ${c.ok.toLocaleString('en-US')} ok, ${count(c.attempts, 'attempt')}, ${c.failovers.toLocaleString('en-US')} with failover\n`);
  return ExitCode.ok;
}
