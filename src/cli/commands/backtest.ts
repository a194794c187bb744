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
import { discardResultsFile, freshResultsFile, holdsNoRun } from '../fresh-results-file.js';
import { ensureWritableFileFolder, ensureWritableFolder, type Io } from '../io.js';
import { checkPositiveNumber } from '../option-checks.js';
import { makeFolders } from '../../make-folders.js';
import { refuseForeignBacktest } from '../own-output.js';
import { requireObservedOutcome } from '../backtest-outcomes.js';

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
  // A trace without an observed outcome has nothing to compare: said before anything is simulated.
  await requireObservedOutcome(args.scenario, sc.traffic, plan);
  // Where the report goes, checked before the simulation: a file there that is not ours is refused.
  const dir = path.join(args.out, sc.name);
  ensureWritableFolder(dir, '--out');
  refuseForeignBacktest(dir);
  const [{ openStore }, { runScenario }, { scenarioBacktest }] = await Promise.all([import('../../store/open-store.js'), import('../../runner/run-scenario.js'), import('../../report/backtest.js')]);
  const { endUnfinishedRuns, failureNote } = await import('../../runner/run-bookkeeping.js');
  const fresh = freshResultsFile(args.db);
  const store = await openStore(args.db);
  // Ctrl-C as in `run`: the simulation stops after its current batch, the run is kept marked
  // interrupted (it ended without a word, exit 130, its run left 'running'); a second one exits at once.
  const controller = new AbortController();
  const off = io.onInterrupt(
    () => {
      io.err('\nCtrl-C: stopping after the current batch; no backtest will be written (press again to exit now)\n');
      controller.abort();
    },
    async () => void (await endUnfinishedRuns(store, 'interrupted', 'stopped by a second Ctrl-C before the run finished')),
  );
  try {
    const env = systemEnvironment(path.dirname(path.resolve(args.scenario)));
    const result = await runScenario(loaded, { store, env, only: [label], signal: controller.signal }).catch(async (e: unknown) => {
      await endUnfinishedRuns(store, controller.signal.aborted ? 'interrupted' : 'error', failureNote(e));
      throw e;
    });
    if (result.interrupted || controller.signal.aborted) {
      const kept = result.runs.length > 0 ? `the run is kept in ${args.db}, marked interrupted` : 'no run had started';
      io.err(`${sc.name}: interrupted; ${kept}. No backtest was written: it compares the whole recording\n`);
      return 130;
    }
    const done = await scenarioBacktest(store, loaded, plan, result.runs, { strategy: label, successPp: args['success-pp'], latencyPct: args['latency-pct'] });
    if (!done) throw inputError('NO_BACKTEST_RUN', `${args.scenario}: strategy "${label}" did not run`, [], 'check the strategy label');
    const bt = done.result;
    const md = done.markdown;
    makeFolders(dir);
    writeFileSync(path.join(dir, 'backtest.md'), `# ${sc.name}\n\n${md}`);
    writeFileSync(path.join(dir, 'backtest.json'), `${JSON.stringify({ scenario: sc.name, strategy: label, run_group: result.runGroup, ...bt }, null, 2)}\n`);
    if (args.json) io.out(`${JSON.stringify({ scenario: sc.name, strategy: label, ...bt })}\n`);
    else io.out(`${md}\nwritten to ${path.join(dir, 'backtest.md')}\n`);
    return bt.pass ? ExitCode.ok : ExitCode.thresholds;
  } finally {
    off();
    // A results file this command created and wrote no run into is not left behind.
    const emptyFresh = fresh !== undefined && (await holdsNoRun(store));
    store.close();
    if (emptyFresh) discardResultsFile(fresh);
  }
}
