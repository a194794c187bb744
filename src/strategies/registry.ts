/**
 * The strategy registry: every strategy's name and a loader that imports its module only when a
 * scenario uses it, so `routebench validate` (and `run`'s checks) compile only the strategies the
 * scenario names. `strategies` in index.ts is the same registry, every strategy loaded.
 */
import type { StrategyDef } from './strategy.js';

type Loader = () => Promise<StrategyDef>;

/** In `routebench list strategies` order. */
export const strategyLoaders: Readonly<Record<string, Loader>> = {
  single: async () => (await import('./single.js')).single,
  fallback: async () => (await import('./fallback.js')).fallback,
  weighted: async () => (await import('./weighted.js')).weighted,
  'round-robin': async () => (await import('./round-robin.js')).roundRobin,
  cheapest: async () => (await import('./cheapest.js')).cheapest,
  'least-latency': async () => (await import('./least-latency.js')).leastLatency,
  p2c: async () => (await import('./p2c.js')).p2c,
  retry: async () => (await import('./retry.js')).retry,
  'circuit-breaker': async () => (await import('./circuit-breaker.js')).circuitBreaker,
  hedge: async () => (await import('./hedge.js')).hedge,
  budget: async () => (await import('./budget.js')).budget,
  dlp: async () => (await import('./dlp.js')).dlp,
  openrouter: async () => (await import('./openrouter/openrouter.js')).openrouter,
  portkey: async () => (await import('./portkey.js')).portkey,
  litellm: async () => (await import('./litellm.js')).litellm,
  external: async () => (await import('./external.js')).external,
};

export const strategyNames: readonly string[] = Object.keys(strategyLoaders);

export const isStrategyName = (name: string): boolean => Object.hasOwn(strategyLoaders, name);

/** The named strategies' definitions, in the order given; names that are not strategies are left out. */
export async function loadStrategies(names: Iterable<string>): Promise<Record<string, StrategyDef>> {
  const known = [...new Set(names)].filter(isStrategyName);
  const defs = await Promise.all(known.map((name) => strategyLoaders[name]!()));
  return Object.fromEntries(known.map((name, i) => [name, defs[i]!]));
}

/**
 * Every `use: <name>` in a scenario's strategy specs, nested members included (a composite
 * strategy's options name its inner strategies the same way).
 */
export function strategiesNamedIn(specs: unknown): Set<string> {
  const names = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      const use = (v as { use?: unknown }).use;
      if (typeof use === 'string') names.add(use);
      Object.values(v).forEach(walk);
    }
  };
  walk(specs);
  return names;
}
