/**
 * `routebench replay --transport live --dry-run`: what a live replay would cost, with nothing sent.
 * The projection is every request once at the cheapest and at the priciest target, set against
 * --max-cost-usd. It also checks what the live run checks before sending (a `live:` block on
 * every target, each key variable set): when those are missing it says so after the projection
 * and exits as the live run would (2 or 4), so a dry run that passes is a live run that starts.
 */
import { ExitCode, HarnessError } from '../../errors.js';
import { planScenario } from '../../engine/plan-scenario.js';
import { estimateCost } from '../../runner/run-replay.js';
import { liveKeys } from '../../runner/create-transport.js';
import { openTraffic } from '../../traffic/open-traffic.js';
import { fmt } from '../../report/summary-markdown.js';
import type { Io } from '../io.js';
import { selectedScenarioFiles } from '../scenario-paths.js';
import { checkPositiveInteger } from '../option-checks.js';
import { loadAll } from './run.js';
import type { ReplayArgs } from './replay.js';
import { count } from '../../plural.js';

interface Projection {
  scenario: string;
  requests: number;
  strategies: number;
  min_cost_usd: number;
  max_cost_usd: number;
  /** What stops a live run of this scenario before it sends anything; empty when it would start. */
  live_problems: string[];
}

export async function dryRun(args: ReplayArgs, io: Io): Promise<number> {
  checkPositiveInteger('limit', args.limit);
  const json: Projection[] = [];
  let blocker: HarnessError | undefined;
  for (const loaded of await loadAll(selectedScenarioFiles(args), args)) {
    const plan = planScenario(loaded, { seed: args.seed, only: args.strategy });
    const live_problems: string[] = [];
    try {
      liveKeys(plan, io.env);
    } catch (e) {
      if (!(e instanceof HarnessError)) throw e;
      blocker ??= e;
      live_problems.push(`${loaded.file}: ${e.message}`);
    }
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
    json.push({ scenario: plan.name, requests, strategies, min_cost_usd: low * strategies, max_cost_usd: high * strategies, live_problems });
    if (!args.json)
      io.out(
        `${plan.name}: ${count(requests, 'request')} × ${count(strategies, 'strategy')}; projected provider cost ${fmt.usd(low * strategies)} to ${fmt.usd(high * strategies)} (every request once, at the cheapest or the priciest target; retries and hedges add to it)\n`,
      );
  }
  const cap = args['max-cost-usd'];
  // --json: one object, like run's ({ scenarios: [...] }), and nothing else on stdout.
  if (args.json) io.out(`${JSON.stringify({ dry_run: true, cap_usd: cap ?? null, scenarios: json }, null, 2)}\n`);
  else io.out(`${capNote(cap, json)}\ndry run: nothing was sent\n`);
  if (blocker) {
    for (const s of json) for (const p of s.live_problems) io.err(`a live run would stop here: ${p}\n`);
    if (blocker.hint) io.err(`hint: ${blocker.hint}\n`);
    return blocker.exitCode;
  }
  return ExitCode.ok;
}

/** The cap against the projection of the whole invocation (one ledger for every scenario). */
function capNote(cap: number | undefined, json: readonly Projection[]): string {
  const low = json.reduce((a, s) => a + s.min_cost_usd, 0);
  const high = json.reduce((a, s) => a + s.max_cost_usd, 0);
  if (cap === undefined) return 'a live run also needs --max-cost-usd <USD>, a hard cap on the whole invocation';
  if (cap >= high) return `--max-cost-usd ${cap} covers every request once at the priciest target (${fmt.usd(high)}); retries and hedges add to it, and the cap stops the run before passing it`;
  if (cap >= low) return `--max-cost-usd ${cap} is inside the projection (${fmt.usd(low)} to ${fmt.usd(high)}): the run may stop at the cap before the end of its traffic`;
  return `--max-cost-usd ${cap} is below the cheapest projection (${fmt.usd(low)}): the run will stop at the cap before the end of its traffic`;
}
