/**
 * A backtest compares a trace's observed outcomes with their simulation. A trace with none (a
 * synthetic or public trace: no row carries `recorded`) has nothing to compare against: `validate`
 * reports it at `backtest`, and `backtest` refuses it with the same problem before it simulates
 * anything (it used to simulate the whole trace and fail only when it read the recorded side).
 */
import { inputError, type Problem } from '../errors.js';
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
 * those as before) up to its first observed outcome, and throws the problem when there is none.
 * A trace with no rows at all passes: the simulation says what is wrong with it.
 */
export async function requireObservedOutcome(
  scenarioFile: string,
  traffic: TrafficSpec,
  plan: { seed: number; tracePath?: string; traceFormat?: string },
): Promise<void> {
  if (plan.tracePath === undefined) return;
  const { openTraffic } = await import('../traffic/open-traffic.js');
  const opened = openTraffic(traffic, plan.seed, { path: plan.tracePath, format: plan.traceFormat }, { onBadRow: 'skip' });
  for await (const batch of opened.batches) if (batch.some(observedOutcome)) return;
  if (opened.stats.rows > 0) throw inputError('NO_OUTCOMES', `${plan.tracePath} has no rows with an observed outcome`, [noOutcomesProblem(scenarioFile, plan.tracePath)]);
}
