/**
 * Loads and plans one scenario for `validate`, listing every problem at once: when the schema
 * finds problems, the rest of the scenario (salvaged by the loader) still goes through the plan's
 * checks (strategy options, profiles, prices, trace path), so fixing the first batch of problems
 * does not reveal a second.
 */
import { HarnessError, sortProblems, type Problem } from '../errors.js';
import { planScenarioAsync, type PlanOptions, type ScenarioPlan } from '../engine/plan-core.js';
import { loadScenario, ScenarioInvalidError, type LoadedScenario } from '../scenario/load-scenario.js';

export type CheckedScenario = { loaded: LoadedScenario; plan: ScenarioPlan } | { problems: Problem[] };

export async function checkScenario(file: string, opts: PlanOptions = {}): Promise<CheckedScenario> {
  try {
    const loaded = await loadScenario(file);
    return { loaded, plan: await planScenarioAsync(loaded, opts) };
  } catch (e) {
    if (!(e instanceof HarnessError) || e.problems.length === 0) throw e;
    const problems = [...e.problems];
    if (e instanceof ScenarioInvalidError && e.partial) {
      try {
        await planScenarioAsync(e.partial, opts);
      } catch (planned) {
        if (!(planned instanceof HarnessError)) throw planned;
        problems.push(...planned.problems.filter((p) => e.keep(p)));
      }
    }
    return { problems: sortProblems(problems) };
  }
}
