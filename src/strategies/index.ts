/**
 * Every strategy, loaded: `routebench list strategies`, the JSON Schema and the programmatic API
 * read it, and planScenario builds routers from it. The names and loaders are in registry.ts;
 * `validate` loads only what a scenario uses from there.
 */
import { loadStrategies, strategyNames } from './registry.js';
import type { StrategyDef } from './strategy.js';

export const strategies: Readonly<Record<string, StrategyDef>> = await loadStrategies(strategyNames);
