/**
 * A backtest compares a trace's observed outcomes with their simulation. A trace with none (a
 * synthetic or public trace: no row carries `recorded`) has nothing to compare against: `validate`
 * reports it at `backtest`, and `backtest`, `run` and `replay` refuse it with the same problem
 * before they simulate anything (they used to simulate the whole trace and fail only when the
 * backtest read the recorded side).
 */
import { inputError, type Problem } from '../errors.js';
import type { ScenarioPlan } from '../engine/plan-core.js';
import type { LoadedScenario } from '../scenario/load-scenario.js';
import type { TrafficSpec } from '../scenario/schema-traffic.js';
import type { TrafficRequest } from '../traffic/traffic-request.js';

/**
 * A row the backtest's recorded side counts (calibrate/observed-table.ts): an outcome that is
 * neither a gateway's cache hit nor a call the app hung up on, which say nothing about a provider.
 */
export function observedOutcome(r: TrafficRequest): boolean {
  const o = r.recorded;
  return o !== undefined && typeof o.ok === 'boolean' && o.client_closed !== true && o.cache_hit !== true;
}

/** The problem, at the scenario's `backtest`, of a trace without an observed outcome. */
export function noOutcomesProblem(scenarioFile: string, tracePath: string): Problem {
  return {
    file: scenarioFile,
    path: 'backtest',
    message: `the trace ${tracePath} has no rows with an observed outcome ("recorded"), so there is nothing to backtest against: record traffic with routebench record, or import logs that carry outcomes`,
  };
}

/**
 * Reads the scenario's trace (its window and limit, bad rows skipped: the simulation reports
 * those as before) up to its first observed outcome: the problem when there is none. A trace
 * with no rows at all passes: the simulation says what is wrong with it.
 */
export async function missingOutcomes(
  scenarioFile: string,
  traffic: TrafficSpec,
  plan: { seed: number; tracePath?: string; traceFormat?: string },
): Promise<Problem | undefined> {
  if (plan.tracePath === undefined) return undefined;
  const { openTraffic } = await import('../traffic/open-traffic.js');
  const opened = openTraffic(traffic, plan.seed, { path: plan.tracePath, format: plan.traceFormat }, { onBadRow: 'skip' });
  for await (const batch of opened.batches) if (batch.some(observedOutcome)) return undefined;
  return opened.stats.rows > 0 ? noOutcomesProblem(scenarioFile, plan.tracePath) : undefined;
}

/** `backtest`: throws the problem of a trace without an observed outcome (missingOutcomes). */
export async function requireObservedOutcome(
  scenarioFile: string,
  traffic: TrafficSpec,
  plan: { seed: number; tracePath?: string; traceFormat?: string },
): Promise<void> {
  const problem = await missingOutcomes(scenarioFile, traffic, plan);
  if (problem) throw inputError('NO_OUTCOMES', `${plan.tracePath} has no rows with an observed outcome`, [problem]);
}

/**
 * `run` and `replay` backtest a scenario's deployed strategy (its `backtest:` block) once they
 * have run it: the problems of those whose trace has no observed outcome, said with the other
 * scenario problems before anything runs. Only where the backtest would run: the deployed
 * strategy is in the selection (`--strategy`, this `--shard`'s slice). `--limit` does not count:
 * the backtest's recorded side is the whole trace. `selected` is the run's selection, or
 * undefined when another scenario has problems: then `--strategy` alone decides, and with
 * `--shard` (whose slice needs the whole matrix) none is checked yet; the run is refused anyway.
 */
export async function backtestsWithoutOutcomes(
  plans: readonly ScenarioPlan[],
  selected: readonly { loaded: LoadedScenario; labels: readonly string[] }[] | undefined,
  args: { strategy?: readonly string[]; shard?: string },
): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const plan of plans) {
    const { scenario, file } = plan.loaded;
    const deployed = scenario.backtest?.strategy;
    if (deployed === undefined) continue;
    const runs = selected
      ? selected.some((s) => s.loaded === plan.loaded && s.labels.includes(deployed))
      : args.shard === undefined && (args.strategy === undefined || args.strategy.includes(deployed));
    const problem = runs ? await missingOutcomes(file, scenario.traffic, plan) : undefined;
    if (problem) problems.push(problem);
  }
  return problems;
}
