/**
 * The lazy strategy registry: names → loaders, and planning with only the strategies a scenario
 * names gives the same plan as planning with every strategy loaded.
 */
import { describe, expect, it } from 'vitest';
import { planScenarioAsync, planWith } from '../../src/engine/plan-core.js';
import { planScenario } from '../../src/engine/plan-scenario.js';
import { HarnessError } from '../../src/errors.js';
import { loadScenario, parseScenario } from '../../src/scenario/load-scenario.js';
import { strategies } from '../../src/strategies/index.js';
import { loadStrategies, strategiesNamedIn, strategyNames } from '../../src/strategies/registry.js';

describe('strategy registry', () => {
  it('every loader yields the strategy of its own name, in list order', async () => {
    expect(Object.keys(strategies)).toEqual(strategyNames);
    for (const [name, def] of Object.entries(strategies)) expect(def.name).toBe(name);
    const some = await loadStrategies(['weighted', 'nope', 'single', 'weighted']);
    expect(Object.keys(some)).toEqual(['weighted', 'single']);
    expect(some.single).toBe(strategies.single);
  });

  it('finds nested strategy names anywhere in the specs', () => {
    const specs = {
      a: { use: 'circuit-breaker', options: { inner: { use: 'fallback', options: { targets: ['x', { use: 'hedge' }] } } } },
      b: { use: 'weighted', options: { members: [{ use: 'p2c', options: {} }, { target: 'x', weight: 1 }] } },
    };
    expect([...strategiesNamedIn(specs)].sort()).toEqual(['circuit-breaker', 'fallback', 'hedge', 'p2c', 'weighted']);
  });

  it('plans the example scenarios the same with only their strategies loaded', async () => {
    for (const file of ['scenarios/quickstart.yaml', 'scenarios/outage-failover.yaml', 'scenarios/gateway-shootout.yaml']) {
      const loaded = await loadScenario(file);
      const lazy = await planScenarioAsync(loaded);
      const eager = planScenario(loaded);
      expect(lazy.strategies.map((s) => [s.label, s.use, s.build().slotCount])).toEqual(eager.strategies.map((s) => [s.label, s.use, s.build().slotCount]));
    }
  });

  it('an unknown strategy is a located problem with a suggestion; a known one missing from the definitions is a bug', async () => {
    const text = JSON.stringify({
      name: 't',
      traffic: { synthetic: { arrival: { process: 'constant', rate_per_s: 1 }, count: 1 } },
      targets: { x: { provider: 'openai', model: 'gpt-4o-mini' } },
      strategies: { a: { use: 'fallbak', options: { targets: ['x'] } } },
    });
    const bad = parseScenario(text, 't.json');
    const err = await planScenarioAsync(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HarnessError);
    expect((err as HarnessError).problems.map((p) => p.message).join()).toMatch(/fallback/);
    const good = parseScenario(text.replace('fallbak', 'fallback'), 't.json');
    expect(() => planWith(good, {}, { single: strategies.single! })).toThrow(/"fallback" was not loaded/);
  });
});
