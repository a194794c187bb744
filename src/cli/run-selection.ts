/**
 * Which scenario × strategy pairs a `routebench run` executes: all of them, those named with
 * --strategy, and of those this machine's --shard i/n slice.
 */
import { inputError } from '../errors.js';
import type { LoadedScenario } from '../scenario/load-scenario.js';
import { nearest } from '../scenario/suggest.js';
import { parseShard, shardMatrix } from '../runner/shard.js';

export interface Selected {
  loaded: LoadedScenario;
  labels: string[];
}

export function selectRuns(scenarios: readonly LoadedScenario[], opts: { strategy?: readonly string[]; shard?: string }): Selected[] {
  const byName = new Map<string, LoadedScenario>();
  for (const l of scenarios) {
    const other = byName.get(l.scenario.name);
    if (other) throw inputError('DUPLICATE_SCENARIO', `two scenarios are named "${l.scenario.name}": ${other.file} and ${l.file}`, [], 'scenario names identify runs and reports; rename one');
    byName.set(l.scenario.name, l);
  }
  const allLabels = new Set(scenarios.flatMap((l) => Object.keys(l.scenario.strategies)));
  for (const label of opts.strategy ?? [])
    if (!allLabels.has(label)) {
      const guess = nearest(label, allLabels);
      throw inputError('UNKNOWN_STRATEGY_LABEL', `no scenario has a strategy labelled "${label}"${guess ? `; did you mean "${guess}"?` : ''}`, [], `labels: ${[...allLabels].join(', ')}`);
    }
  let pairs = scenarios.flatMap((l) =>
    Object.keys(l.scenario.strategies)
      .filter((label) => !opts.strategy || opts.strategy.includes(label))
      .map((strategy) => ({ scenario: l.scenario.name, strategy })),
  );
  if (opts.shard) pairs = shardMatrix(pairs, parseShard(opts.shard));
  return scenarios
    .map((loaded) => ({ loaded, labels: Object.keys(loaded.scenario.strategies).filter((label) => pairs.some((p) => p.scenario === loaded.scenario.name && p.strategy === label)) }))
    .filter((s) => s.labels.length > 0);
}
