/**
 * `routebench replay [paths..] --transport msw|mock-server|live`: the same scenarios over real HTTP
 * on the real clock (`--time-scale` to speed it up). Live runs need `--max-cost-usd`; `--dry-run`
 * prints what a live run would cost at most, without sending anything.
 */
import type { Argv } from 'yargs';
import { ExitCode, inputError } from '../../errors.js';
import { replayScenario } from '../../runner/run-replay.js';
import { SpendCap } from '../../runner/spend-cap.js';
import type { Io } from '../io.js';
import { executeScenarios, runBuilder, type RunArgs } from './run.js';
import { dryRun } from './replay-dry-run.js';

export interface ReplayArgs extends RunArgs {
  transport: 'msw' | 'mock-server' | 'live';
  'time-scale': number;
  'mock-url'?: string;
  'max-cost-usd'?: number;
  'dry-run': boolean;
}

export function replayBuilder(y: Argv): Argv<ReplayArgs> {
  return runBuilder(y)
    .option('transport', { choices: ['msw', 'mock-server', 'live'] as const, default: 'msw' as const, describe: 'msw: in-process HTTP mocks; mock-server: loopback HTTP; live: real APIs' })
    .option('time-scale', { type: 'number', default: 1, describe: 'replay this many times faster than the traffic was recorded' })
    .option('mock-url', { type: 'string', describe: 'mock-server: use this running `routebench mock-server` instead of starting one' })
    .option('max-cost-usd', { type: 'number', describe: 'hard spend cap in USD over the whole invocation; the run stops (and says so) before passing it. Required with live; with the mocks it stops at their billed cost, a rehearsal of the cap' })
    .option('dry-run', { type: 'boolean', default: false, describe: 'with --transport live: check the live blocks and key variables, print the projected cost against --max-cost-usd, and send nothing' }) as unknown as Argv<ReplayArgs>;
}

export async function replayHandler(args: ReplayArgs, io: Io): Promise<number> {
  // Not ignored: without this, a mock server named by URL would silently go unused (msw is the default).
  if (args['mock-url'] !== undefined && args.transport !== 'mock-server')
    throw inputError('BAD_OPTION', `--mock-url is for --transport mock-server, not ${args.transport}`, [], `replay … --transport mock-server --mock-url ${args['mock-url']}`);
  // Not ignored: replay sends one strategy after another over real HTTP on one clock; --workers
  // (simulate's worker threads) would do nothing here.
  if (args.workers !== undefined)
    throw inputError('BAD_OPTION', '--workers is for `routebench run` (simulations in worker threads); replay sends one strategy after another on the real clock', [], 'drop --workers');
  if (args['dry-run'] && args.transport !== 'live')
    throw inputError(
      'BAD_OPTION',
      `--dry-run projects the cost of a live replay and sends nothing; with --transport ${args.transport} nothing is billed, so there is nothing to project`,
      [],
      `replay … --transport live --dry-run --max-cost-usd <USD>, or drop --dry-run to replay against the mocks`,
    );
  checkCap(args['max-cost-usd']);
  if (args['dry-run']) return dryRun(args, io);
  // One spend ledger for the whole invocation: every scenario and strategy counts against the same cap.
  const spendCap = args['max-cost-usd'] !== undefined ? new SpendCap(args['max-cost-usd']) : undefined;
  return executeScenarios(args, io, (loaded, o) =>
    replayScenario(loaded, {
      ...o,
      transport: args.transport,
      timeScale: args['time-scale'],
      realNow: () => performance.now(),
      processEnv: io.env,
      mockUrl: args['mock-url'],
      maxCostUsd: args['max-cost-usd'],
      spendCap,
    }),
  );
}

/** --max-cost-usd: a finite amount above 0 (0, -5, NaN and Infinity cap nothing a user meant). */
function checkCap(cap: number | undefined): void {
  if (cap === undefined || (Number.isFinite(cap) && cap > 0)) return;
  throw inputError('BAD_OPTION', `--max-cost-usd must be an amount in USD above 0, not ${cap}`, [], '--max-cost-usd 5');
}
