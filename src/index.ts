/**
 * routebench's programmatic API: the same functions the CLI uses.
 *
 * @example
 *   import { loadScenario, openStore, runScenario, systemEnvironment, writeReport } from 'routebench';
 *   const scenario = await loadScenario('scenarios/quickstart.yaml');
 *   const store = await openStore('results/routebench.duckdb');
 *   const result = await runScenario(scenario, { store, env: systemEnvironment('.') });
 *   await writeReport(store, { ...result, traffic: result.trafficDescription }, 'reports');
 *   store.close();
 */
export { ExitCode, HarnessError, formatProblem, type Problem } from './errors.js';
export { loadScenario, parseScenario, type LoadedScenario } from './scenario/load-scenario.js';
export { scenarioSchema, type Scenario } from './scenario/schema.js';
export { METRICS, THRESHOLD_GRAMMAR, parseThreshold } from './scenario/threshold-expr.js';
export { planScenario, type ScenarioPlan } from './engine/plan-scenario.js';
export { runScenario, type ScenarioResult, type RunResult, type RunProgress } from './runner/run-scenario.js';
export { systemEnvironment, type RunEnvironment } from './runner/run-environment.js';
export { openStore, type Store } from './store/open-store.js';
export { summary, errorBreakdown, topReasons, type SummaryRow } from './store/queries.js';
export { buildSummary } from './report/write-summary.js';
export { writeReport } from './report/write-report.js';
export { suiteEntries, writeSuite } from './report/write-suite.js';
export { compareWithBase, prCommentMarkdown, type BaseComparison, type PrCommentInput } from './report/pr-comment.js';
export { historyRows, historyGroups, type HistoryRow } from './store/history-queries.js';
export { strategies } from './strategies/index.js';
export { defineStrategy, type StrategyDef, type Router, type Decision, type DecideContext, type AttemptView } from './strategies/strategy.js';
export { profiles } from './providers/mock/profiles.js';
export { traceFormats } from './traffic/trace-formats.js';
export { importTrace } from './traffic/import-trace.js';
export { readTrace } from './traffic/read-trace.js';
export { exampleScenarios, scenarioSchemaPath, packageRoot, type ExampleScenario } from './package-files.js';
