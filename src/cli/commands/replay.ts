/**
 * `routebench replay [paths..] --transport msw|mock-server|live`: the same scenarios over real HTTP
 * on the real clock (`--time-scale` to speed it up). Live runs need `--max-cost-usd`; `--dry-run`
 * prints what a live run would cost at most, without sending anything.
 */
import type { Argv } from 'yargs';
import { ExitCode, inputError } from '../../errors.js';
import { planScenario } from '../../engine/plan-scenario.js';
import { replayScenario, estimateCost } from '../../runner/run-replay.js';
import { SpendCap } from '../../runner/spend-cap.js';
import { openTraffic } from '../../traffic/open-traffic.js';
import { fmt } from '../../report/summary-markdown.js';
import type { Io } from '../io.js';
import { selectedScenarioFiles } from '../scenario-paths.js';
import { executeScenarios, loadAll, runBuilder, type RunArgs } from './run.js';
import { checkPositiveInteger } from '../option-checks.js';

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
    .option('max-cost-usd', { type: 'number', describe: 'live: hard spend cap; the run stops (and says so) before passing it' })
    .option('dry-run', { type: 'boolean', default: false, describe: 'live: print the projected cost and send nothing' }) as unknown as Argv<ReplayArgs>;
}

export async function replayHandler(args: ReplayArgs, io: Io): Promise<number> {
  // Not ignored: without this, a mock server named by URL would silently go unused (msw is the default).
  if (args['mock-url'] !== undefined && args.transport !== 'mock-server')
    throw inputError('BAD_OPTION', `--mock-url is for --transport mock-server, not ${args.transport}`, [], `replay … --transport mock-server --mock-url ${args['mock-url']}`);
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

/** Projected cost of a live replay: every request at the cheapest and at the priciest target. */
async function dryRun(args: ReplayArgs, io: Io): Promise<number> {
  checkPositiveInteger('limit', args.limit);
  const json: { scenario: string; requests: number; strategies: number; min_cost_usd: number; max_cost_usd: number }[] = [];
  for (const loaded of await loadAll(selectedScenarioFiles(args), args)) {
    const plan = planScenario(loaded, { seed: args.seed, only: args.strategy });
    const traffic = openTraffic(loaded.scenario.traffic, plan.seed, { path: plan.tracePath, format: plan.traceFormat }, { limit: args.limit, onBadRow: args['on-bad-row'] });
    let low = 0;
    let high = 0;
    let requests = 0;
    for await (const batch of traffic.batches)
      for (const r of batch) {
        const costs = plan.targets.map((t) => estimateCost(r, t.price));
        low += Math.min(...costs);
        high += Math.max(...costs);
        requests++;
      }
    const strategies = plan.strategies.length;
    json.push({ scenario: plan.name, requests, strategies, min_cost_usd: low * strategies, max_cost_usd: high * strategies });
    if (!args.json)
      io.out(
      `${plan.name}: ${requests.toLocaleString('en-US')} requests × ${strategies} strategies; projected provider cost ${fmt.usd(low * strategies)} to ${fmt.usd(high * strategies)} (every request once, at the cheapest or the priciest target; retries and hedges add to it)\n`,
    );
  }
  // --json: one object, like run's ({ scenarios: [...] }), and nothing else on stdout.
  if (args.json) io.out(`${JSON.stringify({ dry_run: true, scenarios: json }, null, 2)}\n`);
  else io.out('dry run: nothing was sent\n');
  return ExitCode.ok;
}
