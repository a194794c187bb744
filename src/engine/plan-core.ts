/**
 * Turns a loaded scenario into a plan: targets with prices and mock behaviour, the fault
 * timeline per target, a router factory per strategy and a traffic factory. Everything that
 * can be checked before a run is checked here, and every problem is reported at once.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { inputError, sortProblems, type Problem } from '../errors.js';
import { problemAt, type LoadedScenario } from '../scenario/load-scenario.js';
import type { ThresholdsSpec } from '../scenario/schema.js';
import { combineThresholds } from '../scenario/threshold-expr.js';
import { planTargets, type GatewayPlan, type IncidentPlan, type TargetPlan } from './plan-targets.js';

export type { GatewayPlan, IncidentPlan, TargetPlan };
import { defaultFormatFor } from '../traffic/default-format.js';
import { buildRouter, type BuiltRouter } from './plan-strategies.js';
import { loadStrategies, strategiesNamedIn } from '../strategies/registry.js';
import type { StrategyDef } from '../strategies/strategy.js';
import { nounFor } from '../plural.js';

export interface StrategyPlan {
  readonly label: string;
  /** Position (0-based) among the scenario's declared strategies, whatever `only` selected. */
  readonly index: number;
  readonly use: string;
  readonly options: unknown;
  readonly thresholds: ThresholdsSpec;
  /** A fresh router (strategies keep state per run). */
  build(): BuiltRouter;
}

export interface ScenarioPlan {
  readonly loaded: LoadedScenario;
  readonly name: string;
  readonly seed: number;
  readonly targets: readonly TargetPlan[];
  readonly strategies: readonly StrategyPlan[];
  readonly incidents: readonly IncidentPlan[];
  readonly gateways: readonly GatewayPlan[];
  readonly defaults: { attemptTimeoutMs: number; maxAttempts: number };
  /** Absolute trace path, when the traffic is a trace. */
  readonly tracePath?: string;
  readonly traceFormat?: string;
}

export interface PlanOptions {
  seed?: number;
  /** Only these strategy labels (for sharding or `--strategy`). */
  only?: readonly string[];
  /** Requests arrive live (serve), not from the scenario's traffic: each carries its own prompt. */
  live?: boolean;
}

/**
 * Plans with only the strategies the scenario names, imported on demand (validate, run's checks):
 * the same plan as planScenario (plan-scenario.ts), without compiling every strategy.
 */
export async function planScenarioAsync(loaded: LoadedScenario, opts: PlanOptions = {}): Promise<ScenarioPlan> {
  return planWith(loaded, opts, await loadStrategies(strategiesNamedIn(loaded.scenario.strategies)));
}

/** Plans with the given strategy definitions, which must include every strategy the scenario names. */
export function planWith(loaded: LoadedScenario, opts: PlanOptions, strategies: Readonly<Record<string, StrategyDef>>): ScenarioPlan {
  const sc = loaded.scenario;
  const seed = opts.seed ?? sc.seed;
  const problems: Problem[] = [];
  const defaults = { attemptTimeoutMs: sc.defaults.attempt_timeout, maxAttempts: sc.defaults.max_attempts };
  const { targets, gateways, incidents } = planTargets(loaded, seed, defaults.attemptTimeoutMs, problems);

  const allLabels = Object.keys(sc.strategies);
  const labels = allLabels.filter((l) => !opts.only || opts.only.includes(l));
  const strategyPlans: StrategyPlan[] = labels.map((label) => {
    const spec = sc.strategies[label]!;
    const traffic = opts.live
      ? ({ kind: 'live' } as const)
      : sc.traffic.trace
        ? ({ kind: 'trace', format: sc.traffic.trace.format ?? defaultFormatFor(sc.traffic.trace.path) } as const)
        : ({ kind: 'synthetic' } as const);
    const env = { loaded, targets, seed, label, defaults, traffic, problems, strategies };
    buildRouter(spec, ['strategies', label], env); // validates once, collecting problems
    const quiet = { ...env, problems: [] as Problem[] };
    return {
      label,
      index: allLabels.indexOf(label),
      use: spec.use,
      options: spec.options ?? {},
      // a strategy's own thresholds add to the scenario-wide ones (both must hold)
      thresholds: combineThresholds(sc.thresholds, spec.thresholds),
      build: () => buildRouter(spec, ['strategies', label], quiet),
    };
  });

  let tracePath: string | undefined;
  let traceFormat: string | undefined;
  if (sc.traffic.trace) {
    tracePath = path.resolve(loaded.dir, sc.traffic.trace.path);
    traceFormat = sc.traffic.trace.format ?? defaultFormatFor(tracePath);
    if (!existsSync(tracePath)) problems.push(problemAt(loaded, ['traffic', 'trace', 'path'], `trace file not found: ${tracePath} (paths are relative to the scenario file)`));
    else if (statSync(tracePath).isDirectory())
      problems.push(
        problemAt(
          loaded,
          ['traffic', 'trace', 'path'],
          `${tracePath} is a folder; this names one trace file. For a recording that rotated into several files (record --out), join the files of that one recording (one start stamp in their names) in name order, e.g. cat record-20261206T153000Z-*.jsonl > recording.jsonl: their arrival_ms all count from the recording's start`,
        ),
      );
    else if (!statSync(tracePath).isFile()) problems.push(problemAt(loaded, ['traffic', 'trace', 'path'], `not a file: ${tracePath}`));
  }

  if (problems.length > 0) {
    const sorted = sortProblems(problems);
    throw inputError('SCENARIO_INVALID', `${loaded.file}: ${sorted.length} ${nounFor(sorted.length, 'problem')}`, sorted);
  }
  return { loaded, name: sc.name, seed, targets, gateways, strategies: strategyPlans, incidents, defaults, tracePath, traceFormat };
}
