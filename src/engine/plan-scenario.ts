/**
 * Turns a loaded scenario into a plan: targets with prices and mock behaviour, the fault
 * timeline per target, a router factory per strategy and a traffic factory. Everything that
 * can be checked before a run is checked here, and every problem is reported at once.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { inputError, sortProblems, type Problem } from '../errors.js';
import { combineSeeds, hashString } from '../rng.js';
import type { DialectName, ErrorKind, Price } from '../providers/canonical.js';
import { compileIncident, type CompiledIncident } from '../providers/mock/incident-timeline.js';
import { MockTarget } from '../providers/mock/mock-model.js';
import { profiles, type MockBehaviour } from '../providers/mock/profiles.js';
import { defaultPrices } from '../providers/prices.js';
import { problemAt, type LoadedScenario } from '../scenario/load-scenario.js';
import type { ThresholdsSpec } from '../scenario/schema.js';
import type { MockSpec } from '../scenario/schema-target.js';
import { unknownNameMessage } from '../scenario/suggest.js';
import type { TargetInfo } from '../strategies/strategy.js';
import { defaultFormatFor } from '../traffic/trace-formats.js';
import { buildRouter, type BuiltRouter } from './plan-strategies.js';

export interface TargetPlan extends TargetInfo {
  readonly dialect: DialectName;
  readonly behaviour: MockBehaviour;
  readonly incidents: readonly CompiledIncident[];
  readonly mockSeed: number;
}

export interface StrategyPlan {
  readonly label: string;
  readonly use: string;
  readonly options: unknown;
  readonly thresholds: ThresholdsSpec;
  /** A fresh router (strategies keep state per run). */
  build(): BuiltRouter;
}

export interface IncidentPlan {
  name: string;
  kind: string;
  targets: string[];
  startMs: number;
  endMs: number;
}

export interface ScenarioPlan {
  readonly loaded: LoadedScenario;
  readonly name: string;
  readonly seed: number;
  readonly targets: readonly TargetPlan[];
  readonly strategies: readonly StrategyPlan[];
  readonly incidents: readonly IncidentPlan[];
  readonly defaults: { attemptTimeoutMs: number; maxAttempts: number };
  /** Absolute trace path, when the traffic is a trace. */
  readonly tracePath?: string;
  readonly traceFormat?: string;
}

export interface PlanOptions {
  seed?: number;
  /** Only these strategy labels (for sharding or `--strategy`). */
  only?: readonly string[];
}

export function planScenario(loaded: LoadedScenario, opts: PlanOptions = {}): ScenarioPlan {
  const sc = loaded.scenario;
  const seed = opts.seed ?? sc.seed;
  const problems: Problem[] = [];
  const defaults = { attemptTimeoutMs: sc.defaults.attempt_timeout, maxAttempts: sc.defaults.max_attempts };
  const prices = defaultPrices();
  const ids = Object.keys(sc.targets);
  const incidentsFor = (id: string) =>
    sc.incidents.flatMap((inc, i) =>
      inc.targets.includes(id) || inc.targets.includes('*')
        ? [compileIncident({ ...inc, error: inc.error as ErrorKind | undefined, errors: inc.errors as Partial<Record<ErrorKind, number>>, startMs: inc.start, durationMs: inc.duration, latencyMultiplier: inc.latency_multiplier, addedLatencyMs: inc.added_latency, retryAfterMs: inc.retry_after_ms, rampUpMs: inc.ramp_up, rampDownMs: inc.ramp_down }, i)]
        : [],
    );

  const targets: TargetPlan[] = ids.map((id, index) => {
    const t = sc.targets[id]!;
    const profile = profiles[t.mock.profile];
    if (!profile) problems.push(problemAt(loaded, ['targets', id, 'mock', 'profile'], unknownNameMessage('profile', t.mock.profile, Object.keys(profiles))));
    let price: Price = { input: 0, output: 0, cached_input: 0 };
    if (typeof t.price === 'object') price = { ...t.price, cached_input: t.price.cached_input ?? t.price.input };
    else {
      const key = t.price ?? t.model;
      const found = prices[key];
      if (found) price = found;
      else
        problems.push(
          problemAt(loaded, ['targets', id, t.price === undefined ? 'model' : 'price'], `no price for "${key}" in the price table; set targets.${id}.price to a known key or to {input, output, cached_input} in USD per 1M tokens`),
        );
    }
    return {
      index,
      id,
      provider: t.provider,
      model: t.model,
      dialect: t.dialect ?? (t.provider === 'anthropic' ? 'anthropic' : 'openai'),
      price,
      contextWindow: t.context_window ?? Infinity,
      timeoutMs: t.timeout ?? defaults.attemptTimeoutMs,
      behaviour: mergeBehaviour(profile?.behaviour ?? profiles.typical!.behaviour, t.mock),
      incidents: incidentsFor(id),
      mockSeed: combineSeeds(seed, hashString(`target:${id}`)),
    };
  });

  const allLabels = Object.keys(sc.strategies);
  const labels = allLabels.filter((l) => !opts.only || opts.only.includes(l));
  const strategyPlans: StrategyPlan[] = labels.map((label) => {
    const spec = sc.strategies[label]!;
    const env = { loaded, targets, seed, label, defaults, problems };
    buildRouter(spec, ['strategies', label], env); // validates once, collecting problems
    const quiet = { ...env, problems: [] as Problem[] };
    return {
      label,
      use: spec.use,
      options: spec.options ?? {},
      thresholds: { ...sc.thresholds, ...spec.thresholds },
      build: () => buildRouter(spec, ['strategies', label], quiet),
    };
  });

  let tracePath: string | undefined;
  let traceFormat: string | undefined;
  if (sc.traffic.trace) {
    tracePath = path.resolve(loaded.dir, sc.traffic.trace.path);
    traceFormat = sc.traffic.trace.format ?? defaultFormatFor(tracePath);
    if (!existsSync(tracePath)) problems.push(problemAt(loaded, ['traffic', 'trace', 'path'], `trace file not found: ${tracePath} (paths are relative to the scenario file)`));
    else if (!statSync(tracePath).isFile()) problems.push(problemAt(loaded, ['traffic', 'trace', 'path'], `not a file: ${tracePath}`));
  }

  if (problems.length > 0) {
    const sorted = sortProblems(problems);
    throw inputError('SCENARIO_INVALID', `${loaded.file}: ${sorted.length} problem${sorted.length === 1 ? '' : 's'}`, sorted);
  }
  const incidents = sc.incidents.map((inc, i) => ({
    name: inc.name ?? `${inc.kind}#${i + 1}`,
    kind: inc.kind,
    targets: inc.targets.includes('*') ? ids : inc.targets,
    startMs: inc.start,
    endMs: inc.start + inc.duration,
  }));
  return { loaded, name: sc.name, seed, targets, strategies: strategyPlans, incidents, defaults, tracePath, traceFormat };
}

/** Fresh mock targets for one run (rate-limit buckets are per run). */
export function createMocks(plan: ScenarioPlan): MockTarget[] {
  return plan.targets.map((t) => new MockTarget(t.behaviour, t.incidents, t.mockSeed, t.dialect, t.contextWindow));
}

function mergeBehaviour(base: MockBehaviour, o: MockSpec): MockBehaviour {
  return {
    ttftMs: o.ttft_ms ?? base.ttftMs,
    tokensPerS: o.tokens_per_s ?? base.tokensPerS,
    prefillTokensPerS: o.prefill_tokens_per_s ?? base.prefillTokensPerS,
    errors: (o.errors as MockBehaviour['errors'] | undefined) ?? base.errors,
    errorLatencyMs: o.error_latency_ms ?? base.errorLatencyMs,
    retryAfterMs: o.retry_after_ms ?? base.retryAfterMs,
    retryAfterShare: o.retry_after_share ?? base.retryAfterShare,
    rateLimit: o.rate_limit ?? base.rateLimit,
    maxInFlight: o.max_in_flight ?? base.maxInFlight,
  };
}
