/** Test helper: the one-target backtest scenario the backtest tests run over a trace, and its backtest. */
import { planScenario } from '../../src/engine/plan-scenario.js';
import { scenarioBacktest } from '../../src/report/backtest.js';
import type { Ran } from '../helpers/run-yaml.js';

/** One target p (mock `profile`) and the deployed single strategy over the routebench trace at `tracePath`. */
export const backtestYaml = (name: string, tracePath: string, profile: 'flaky' | 'perfect') => `
name: ${name}
seed: 3
traffic:
  trace: { path: ${JSON.stringify(tracePath)} }
targets:
  p: { provider: openai, model: gpt-4o-mini, mock: { profile: ${profile} } }
backtest: { strategy: deployed }
strategies:
  deployed: { use: single, options: { target: p } }
`;

/** Runs the scenario's backtest as `run` does: the fidelity result and its Markdown. */
export const runBacktest = async (ran: Ran) => (await scenarioBacktest(ran.store, ran.loaded, planScenario(ran.loaded, {}), ran.result.runs))!;
