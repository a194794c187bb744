/**
 * Turns a loaded scenario into a plan (plan-core.ts) with every strategy at hand: the synchronous
 * entry the runners, serve, load and the programmatic API use.
 */
import type { LoadedScenario } from '../scenario/load-scenario.js';
import { strategies } from '../strategies/index.js';
import { planWith, type PlanOptions, type ScenarioPlan } from './plan-core.js';

export * from './plan-core.js';

export function planScenario(loaded: LoadedScenario, opts: PlanOptions = {}): ScenarioPlan {
  return planWith(loaded, opts, strategies);
}
