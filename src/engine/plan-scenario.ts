/**
 * Turns a loaded scenario into a plan (plan-core.ts) with every strategy at hand, and makes a run's
 * mock targets from it: the synchronous entry the runners, serve, load and the programmatic API use.
 */
import { GatewayLayer } from '../providers/mock/gateway-layer.js';
import { MockTarget } from '../providers/mock/mock-model.js';
import type { LoadedScenario } from '../scenario/load-scenario.js';
import { strategies } from '../strategies/index.js';
import { planWith, type PlanOptions, type ScenarioPlan } from './plan-core.js';

export * from './plan-core.js';

export function planScenario(loaded: LoadedScenario, opts: PlanOptions = {}): ScenarioPlan {
  return planWith(loaded, opts, strategies);
}

/** Fresh mock targets for one run (rate-limit buckets are per run), with one shared layer per gateway. */
export function createMocks(plan: ScenarioPlan): MockTarget[] {
  const layers = new Map(plan.gateways.map((g) => [g.name, new GatewayLayer({ name: g.name, addedLatencyMs: g.addedLatencyMs, rateLimit: g.rateLimit, incidents: g.incidents })]));
  return plan.targets.map((t) => new MockTarget(t.behaviour, t.incidents, t.mockSeed, t.dialect, t.contextWindow, t.via === undefined ? undefined : layers.get(t.via), t.models));
}
