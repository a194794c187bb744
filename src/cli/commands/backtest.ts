/**
 * `routebench backtest <scenario>`: simulate the strategy that was deployed (the scenario's
 * `backtest.strategy`, or --strategy) over the scenario's trace, a recording with observed
 * outcomes, on its (calibrated) mocks, and compare with what was recorded. Prints the fidelity
 * table, writes it to <out>/<scenario>/backtest.md and .json, and exits 3 when a measure is out
 * of tolerance: what-if strategies on a calibration that fails its backtest are not worth reading.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode, inputError } from '../../errors.js';
import { loadScenario } from '../../scenario/load-scenario.js';
import { planScenario } from '../../engine/plan-scenario.js';
import { systemEnvironment } from '../../runner/run-environment.js';
import { ensureWritableFileFolder, ensureWritableFolder, type Io } from '../io.js';
import { checkPositiveNumber } from '../option-checks.js';
import { makeFolders } from '../../make-folders.js';

export interface BacktestArgs {
  scenario: string;
  strategy?: string;
  'success-pp'?: number;
  'latency-pct'?: number;
  db: string;
  out: string;
  json: boolean;
}

export function backtestBuilder(y: Argv): Argv<BacktestArgs> {
  return y
    .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario whose traffic is a trace with observed outcomes' })
    .option('strategy', { type: 'string', describe: 'the strategy that was deployed (default: the scenario\'s backtest.strategy)' })
    .option('success-pp', { type: 'number', describe: 'tolerance on success rate, percentage points (default: backtest.success_pp, else 1)' })
    .option('latency-pct', { type: 'number', describe: 'tolerance on p50/p95 latency and TTFT, percent (default: backtest.latency_pct, else 10)' })
    .option('db', { type: 'string', default: 'results/routebench.duckdb', describe: 'results database (DuckDB file)' })
    .option('out', { type: 'string', default: 'reports', describe: 'folder for the backtest report' })
    .option('json', { type: 'boolean', default: false, describe: 'print the backtest as JSON' }) as unknown as Argv<BacktestArgs>;
}

export async function backtestHandler(args: BacktestArgs, io: Io): Promise<number> {
  checkPositiveNumber('success-pp', args['success-pp'], '1');
  checkPositiveNumber('latency-pct', args['latency-pct'], '10');
  ensureWritableFolder(args.out, '--out');
  ensureWritableFileFolder(args.db, '--db');
  const loaded = await loadScenario(args.scenario);
  const sc = loaded.scenario;
  // The recording first: for synthetic traffic, which strategy was deployed is not the question.
  if (!sc.traffic.trace || (sc.traffic.trace.format ?? 'routebench') !== 'routebench')
    throw inputError('NO_RECORDING', `${args.scenario}: a backtest needs traffic.trace, a routebench JSONL trace with observed outcomes`, [], 'record one with `routebench record`, or import logs with `routebench import`');
  const label = args.strategy ?? sc.backtest?.strategy;
  if (label === undefined) throw inputError('NO_BACKTEST_STRATEGY', `${args.scenario}: which strategy was deployed?`, [], 'add backtest: { strategy: <label> } to the scenario, or pass --strategy <label>');
  if (!(label in sc.strategies)) throw inputError('UNKNOWN_STRATEGY', `${args.scenario}: no strategy "${label}" (have ${Object.keys(sc.strategies).join(', ')})`);
  const plan = planScenario(loaded, { only: [label] });
  const [{ openStore }, { runScenario }, { scenarioBacktest }] = await Promise.all([import('../../store/open-store.js'), import('../../runner/run-scenario.js'), import('../../report/backtest.js')]);
  const store = await openStore(args.db);
  try {
    const env = systemEnvironment(path.dirname(path.resolve(args.scenario)));
    const result = await runScenario(loaded, { store, env, only: [label] });
    const done = await scenarioBacktest(store, loaded, plan, result.runs, { strategy: label, successPp: args['success-pp'], latencyPct: args['latency-pct'] });
    if (!done) throw inputError('NO_BACKTEST_RUN', `${args.scenario}: strategy "${label}" did not run`, [], 'check the strategy label');
    const bt = done.result;
    const md = done.markdown;
    const dir = path.join(args.out, sc.name);
    makeFolders(dir);
    writeFileSync(path.join(dir, 'backtest.md'), `# ${sc.name}\n\n${md}`);
    writeFileSync(path.join(dir, 'backtest.json'), `${JSON.stringify({ scenario: sc.name, strategy: label, run_group: result.runGroup, ...bt }, null, 2)}\n`);
    if (args.json) io.out(`${JSON.stringify({ scenario: sc.name, strategy: label, ...bt })}\n`);
    else io.out(`${md}\nwritten to ${path.join(dir, 'backtest.md')}\n`);
    return bt.pass ? ExitCode.ok : ExitCode.thresholds;
  } finally {
    store.close();
  }
}
