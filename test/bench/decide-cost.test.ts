/**
 * The decision-cost benchmark must cover every registered strategy, and its driver must really
 * exercise them (arrivals, re-decisions after failures, sends): checked here without timing.
 */
import { describe, expect, it } from 'vitest';
import { DecideDriver } from '../../bench/decide-driver.js';
import { planScenario } from '../../src/engine/plan-scenario.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { strategies } from '../../src/strategies/index.js';

describe('bench/decide-cost.yaml', async () => {
  const plan = planScenario(await loadScenario('bench/decide-cost.yaml'));

  it('has a strategy for every registry entry that decides (external is a real gateway over HTTP)', () => {
    const used = new Set(plan.strategies.map((s) => s.use));
    expect(Object.keys(strategies).filter((n) => !used.has(n))).toEqual(['external']);
  });

  it.each(plan.strategies.map((s) => [s.label, s] as const))('%s: the driver reaches sends and re-decisions', (_label, s) => {
    const { router, slotCount } = s.build();
    const driver = new DecideDriver(router, slotCount, plan.targets, { route: 'gpt-4o-mini', tags: { project: ['a', 'b'] } }, 1);
    for (let i = 0; i < 3000; i++) {
      driver.prepare();
      driver.decide();
      driver.apply();
    }
    const c = driver.counts;
    expect(c.decisions).toBe(3000);
    expect(c.arrivals).toBeGreaterThan(500);
    expect(c.sends).toBeGreaterThan(c.arrivals * 0.9);
    expect(c.afterFailure).toBeGreaterThan(0);
  });
});
