/** `routebench run [paths..]`: validate every scenario first, then run each and write its summary. */
import { appendFileSync, existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode, HarnessError, inputError, sortProblems, type Problem } from '../../errors.js';
import type { LoadedScenario } from '../../scenario/load-scenario.js';
import { checkScenario } from '../check-scenario.js';
import { backtestsWithoutOutcomes } from '../backtest-outcomes.js';
import type { ScenarioPlan } from '../../engine/plan-core.js';
import type { RunScenarioOptions, ScenarioResult } from '../../runner/run-scenario.js';
import { systemEnvironment } from '../../runner/run-environment.js';
import { junitXml, type JunitScenario } from '../../report/junit.js';
import { ensureWritableFileFolder, ensureWritableFolder, type Io } from '../io.js';
import { refuseForeignOutput, refuseForeignSuite } from '../own-output.js';
import { colourSummary, paint } from '../colour.js';
import { progressReporter, progressTotal } from '../progress.js';
import { selectedScenarioFiles } from '../scenario-paths.js';
import { formatSummaryTable } from '../summary-table.js';
import { selectRuns } from '../run-selection.js';
import { commonOptions, type CommonArgs, seedOption } from './common-options.js';
import { checkPositiveInteger } from '../option-checks.js';
import { discardResultsFile, freshResultsFile, holdsNoRun } from '../fresh-results-file.js';
import { makeFolders } from '../../make-folders.js';

export interface RunArgs extends CommonArgs {
  paths: string[];
  workers?: number;
  example?: string[];
  seed?: number;
  limit?: number;
  strategy?: string[];
  'on-bad-row'?: 'fail' | 'skip';
  progress: boolean;
  png: boolean;
  junit?: string;
  shard?: string;
  'run-group'?: string;
}

export function runBuilder(y: Argv): Argv<RunArgs> {
  return commonOptions(y)
    .positional('paths', { type: 'string', array: true, default: ['scenarios/'], describe: 'scenario files or folders' })
    .option('example', { type: 'string', array: true, describe: 'run an example scenario shipped with routebench (`routebench examples` lists them)' })
    .option('seed', { type: 'number', coerce: seedOption, describe: 'override every scenario seed' })
    .option('limit', { type: 'number', describe: 'replay at most this many requests per scenario' })
    .option('workers', { type: 'number', describe: 'simulate runs, and render reports, in this many worker threads (default: one per available core; 1 runs on the main thread)' })
    .option('strategy', { type: 'string', array: true, describe: 'run only these strategy labels' })
    .option('on-bad-row', { choices: ['fail', 'skip'] as const, describe: 'what a malformed trace row does (overrides the scenario)' })
    .option('progress', { type: 'boolean', default: false, describe: 'print progress lines even when not on a terminal (CI logs)' })
    .option('png', { type: 'boolean', default: false, describe: 'also write a PNG of every chart beside its SVG (resvg at 2×; needs a TrueType font such as DejaVu Sans)' })
    .option('junit', { type: 'string', describe: 'write JUnit XML (one test case per scenario × strategy × threshold) to this file' })
    .option('shard', { type: 'string', describe: 'run only slice i of n of the scenario × strategy matrix, e.g. 2/4 (CI matrix)' })
    .option('run-group', { type: 'string', describe: 'name the run groups <scenario>-<name> (give shards the same name to merge them)' }) as unknown as Argv<RunArgs>;
}

/** Loads and plans every scenario: the plans of those that load, and every problem of the others. */
async function planAll(files: readonly string[], args: { seed?: number; strategy?: string[] }): Promise<{ plans: ScenarioPlan[]; problems: Problem[] }> {
  const plans: ScenarioPlan[] = [];
  const problems: Problem[] = [];
  for (const file of files) {
    // Every problem at once: schema problems do not hide the plan's (check-scenario.ts).
    const checked = await checkScenario(file, { seed: args.seed, only: args.strategy });
    if ('problems' in checked) problems.push(...checked.problems);
    else plans.push(checked.plan);
  }
  return { plans, problems };
}

const invalid = (problems: Problem[]) => new HarnessError('SCENARIO_INVALID', 'invalid scenarios', { problems: sortProblems(problems) });

/** Loads and plans every scenario; throws one error listing every problem of every file. */
export async function loadAll(files: readonly string[], args: { seed?: number; strategy?: string[] }): Promise<LoadedScenario[]> {
  const { plans, problems } = await planAll(files, args);
  if (problems.length > 0) throw invalid(problems);
  return plans.map((p) => p.loaded);
}

/** --junit names a file to write at the end: a folder there, or a folder that cannot be written, is said before anything runs. */
function checkJunitPath(file: string): void {
  if (existsSync(file) && statSync(file).isDirectory())
    throw new HarnessError('BAD_OPTION', `--junit ${file} is a folder; it names the JUnit XML file to write`, { hint: `e.g. --junit ${path.join(file, 'junit.xml')}` });
  refuseForeignOutput(file, { flag: '--junit', what: 'JUnit XML', starts: ['<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="routebench"'], example: 'junit.xml' });
  ensureWritableFileFolder(file, '--junit');
}

/** How one scenario is executed: simulate (run) or replay. */
export type Execute = (loaded: LoadedScenario, o: RunScenarioOptions) => Promise<ScenarioResult>;

/** Runs a whole selection at once (worker threads), results by selection index. */
export type ExecuteAll = (items: { loaded: LoadedScenario; labels: string[]; runGroup?: string }[], o: Omit<RunScenarioOptions, 'only' | 'runGroup'>) => Promise<(ScenarioResult | undefined)[]>;

export async function runHandler(args: RunArgs, io: Io): Promise<number> {
  checkPositiveInteger('workers', args.workers);
  const { runScenario } = await import('../../runner/run-scenario.js');
  const { runSuiteParallel, defaultWorkers } = await import('../../runner/workers/run-parallel.js');
  const workers = args.workers ?? defaultWorkers();
  (await import('../../runner/heap-growth.js')).boundHeapGrowth();
  return executeScenarios(args, io, runScenario, workers > 1 ? (items, o) => runSuiteParallel(items, { ...o, workers }) : undefined, workers);
}

export async function executeScenarios(args: RunArgs, io: Io, execute: Execute, executeAll?: ExecuteAll, executeWorkers = 1): Promise<number> {
  checkPositiveInteger('limit', args.limit);
  // It names report folders (<out>/<scenario>/<scenario>-<name>): "a/b" made nested ones, "../x" one outside --out.
  const group = args['run-group'];
  if (group !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(group))
    throw inputError('BAD_OPTION', `--run-group ${JSON.stringify(group)}: use letters, digits, ".", "_" or "-" (starting with a letter or digit); it names run ids and report folders`, [], 'e.g. --run-group pr-123');
  const files = selectedScenarioFiles(args);
  const { plans, problems } = await planAll(files, args);
  const selected = problems.length === 0 ? selectRuns(plans.map((p) => p.loaded), { strategy: args.strategy, shard: args.shard }) : undefined;
  // A backtest whose trace has no observed outcome would fail after the simulation: said with the rest.
  problems.push(...(await backtestsWithoutOutcomes(plans, selected, args)));
  if (problems.length > 0 || !selected) throw invalid(problems);
  const scenarios = selected;
  // With --json, stdout carries one JSON object ({ scenarios: [...] }) and nothing else.
  const note = args.json ? io.err : io.out;
  if (scenarios.length === 0) {
    note(`nothing to run: shard ${args.shard} of this matrix is empty\n`);
    if (args.json) io.out(`${JSON.stringify({ scenarios: [] }, null, 2)}\n`);
    return ExitCode.ok;
  }
  const env = systemEnvironment(path.dirname(path.resolve(files[0]!)));
  // Loaded here, not at the top: `run --help` needs neither DuckDB nor the chart renderer.
  const [{ openStore }, { writeReport }] = await Promise.all([import('../../store/open-store.js'), import('../../report/write-report.js')]);
  ensureWritableFolder(args.out, '--out');
  refuseForeignSuite(args.out);
  if (args.junit !== undefined) checkJunitPath(args.junit);
  const { endUnfinishedRuns, failureNote } = await import('../../runner/run-bookkeeping.js');
  ensureWritableFileFolder(args.db, '--db');
  const fresh = freshResultsFile(args.db);
  const store = await openStore(args.db);
  let emptyFresh = false;
  const controller = new AbortController();
  const unsubscribe = io.onInterrupt(
    () => {
      io.err('\nCtrl-C: stopping after the current batch; finished requests are kept (press again to exit now)\n');
      controller.abort();
    },
    // A second Ctrl-C exits at once; the runs it cuts short are marked interrupted first.
    async () => void (await endUnfinishedRuns(store, 'interrupted', 'stopped by a second Ctrl-C before the run finished')),
  );
  const progress = progressReporter(io, { quiet: args.quiet, force: args.progress }, env.monotonicMs);
  let code: number = ExitCode.ok;
  const jsonOut: unknown[] = [];
  const junit: JunitScenario[] = [];
  const rendered: { dir: string; json: import('../../report/write-summary.js').SummaryJson }[] = [];
  const stepSummary = io.env.GITHUB_STEP_SUMMARY;
  let pool: import('../../report/render-pool.js').ReportPool | undefined;
  const pending = new Map<number, Promise<import('../../report/write-report.js').WrittenReport>>();
  try {
    const runGroupOf = (l: LoadedScenario) => (args['run-group'] ? `${l.scenario.name}-${args['run-group']}` : undefined);
    // Parallel runs report finished runs (RunProgress.runsDone); the clock starts now.
    if (executeAll) progress.begin();
    const all = executeAll
      ? await executeAll(
          scenarios.map((s) => ({ ...s, runGroup: runGroupOf(s.loaded) })),
          { store, env, seed: args.seed, limit: args.limit, onBadRow: args['on-bad-row'], signal: controller.signal, onProgress: progress.update },
        )
      : undefined;
    const reportOf = (result: ScenarioResult, loaded: LoadedScenario) => ({
      scenario: result.scenario,
      description: loaded.scenario.description,
      runGroup: result.runGroup,
      traffic: result.trafficDescription,
      runs: result.runs,
      skippedRows: result.skippedRows,
      interrupted: result.interrupted,
      skipped: result.skipped,
      dbFile: args.db,
      harnessVersion: env.harnessVersion,
    });
    // With worker threads, every finished scenario's report renders at once, side by side (render-pool.ts).
    if (all && scenarios.length > 1) {
      pool = (await import('../../report/render-pool.js')).reportPool(store, args.out, executeWorkers);
      for (const [i, { loaded }] of scenarios.entries()) {
        const r = all[i];
        if (!r) break;
        if (r.runs.length > 0) pending.set(i, pool.submit(reportOf(r, loaded), { png: args.png }));
      }
    }
    for (const [i, { loaded, labels }] of scenarios.entries()) {
      if (all && !all[i]) break;
      if (!all && controller.signal.aborted) break;
      // Replay sends the traffic once per strategy, one after another; simulate feeds them together.
      if (!all) progress.begin(progressTotal(loaded.scenario.traffic, { limit: args.limit, passes: 'transport' in args ? labels.length : 1 }));
      const result = all ? all[i]! : await execute(loaded, {
        store,
        env,
        seed: args.seed,
        only: labels,
        runGroup: args['run-group'] ? `${loaded.scenario.name}-${args['run-group']}` : undefined,
        limit: args.limit,
        onBadRow: args['on-bad-row'],
        signal: controller.signal,
        onProgress: progress.update,
      });
      progress.done();
      if (result.runs.length === 0 && result.interrupted) {
        code = 130;
        note(`${result.scenario}: interrupted before its first run\n`);
        continue;
      }
      if (result.runs.length === 0) {
        note(`${result.scenario}: nothing to run here\n${(result.skipped ?? []).map((k) => `skipped ${k.strategy}: ${k.reason}\n`).join('')}`);
        continue;
      }
      const written = await (pending.get(i) ?? writeReport(store, reportOf(result, loaded), args.out, { png: args.png }));
      rendered.push({ dir: written.dir, json: written.json });
      junit.push({ scenario: result.scenario, runGroup: result.runGroup, runs: result.runs.map((r) => ({ strategy: r.strategy, runId: r.runId, status: r.status, thresholds: r.thresholds })) });
      if (stepSummary) appendFileSync(stepSummary, `${written.markdown}\n`);
      if (args.json) jsonOut.push(written.json);
      else if (!args.quiet || result.runs.some((r) => r.status !== 'ok')) io.out(`${colourSummary(formatSummaryTable(written.json, written.dir), paint(io))}\n`);
      if (result.interrupted) code = 130;
      else if (code === ExitCode.ok && result.runs.some((r) => r.status === 'thresholds_failed')) code = ExitCode.thresholds;
      // A scenario over a recording with a `backtest:` block: the deployed strategy against what was
      // recorded. Out of tolerance fails like a threshold (exit 3); not judged (--limit cut the
      // recording short) does not fail by itself (an abort_on_fail stop already failed its threshold).
      if (loaded.scenario.backtest && !result.interrupted) {
        const [{ scenarioBacktest, backtestVerdict }, { planScenario }] = await Promise.all([import('../../report/backtest.js'), import('../../engine/plan-scenario.js')]);
        const bt = await scenarioBacktest(store, loaded, planScenario(loaded, { only: labels }), result.runs, { limit: args.limit });
        if (bt) {
          writeFileSync(path.join(written.dir, 'backtest.md'), `# ${result.scenario}\n\n${bt.markdown}`);
          if (stepSummary) appendFileSync(stepSummary, `${bt.markdown}\n`);
          // --quiet prints it when it fails the run; --json carries it with the scenario's summary
          const judgedOut = !bt.result.pass && bt.result.partial === undefined;
          if (!args.json && (!args.quiet || judgedOut)) io.out(`backtest of ${bt.strategy} against the recording: ${backtestVerdict(bt.result)} (${path.join(written.dir, 'backtest.md')})\n`);
          if (args.json) jsonOut[jsonOut.length - 1] = { ...(jsonOut[jsonOut.length - 1] as object), backtest: { strategy: bt.strategy, within_tolerance: bt.result.partial === undefined ? bt.result.pass : null, verdict: backtestVerdict(bt.result), file: path.join(written.dir, 'backtest.md') } };
          if (judgedOut && code === ExitCode.ok) code = ExitCode.thresholds;
          junit[junit.length - 1]!.backtest = { strategy: bt.strategy, pass: bt.result.pass, judged: bt.result.partial === undefined, verdict: backtestVerdict(bt.result) };
        }
      }
    }
    // The suite page: every scenario this run rendered, in one table (<out>/index.html).
    if (rendered.length > 0) {
      const { suiteEntries, writeSuite } = await import('../../report/write-suite.js');
      const suite = writeSuite(args.out, await suiteEntries(store, args.out, rendered), `routebench ${env.harnessVersion} · rows in ${args.db}`);
      if (!args.quiet && !args.json) io.out(`suite: ${suite.html}\n`);
    }
  } catch (e) {
    // A full disk or a bug mid-run: no run of this process may stay 'running'.
    await endUnfinishedRuns(store, controller.signal.aborted ? 'interrupted' : 'error', failureNote(e), () => openStore(args.db, { uncapped: true }));
    throw e;
  } finally {
    progress.done();
    unsubscribe();
    await pool?.close();
    // A results file this command created and wrote no run into is not left behind (fresh-results-file.ts).
    emptyFresh = fresh !== undefined && (await holdsNoRun(store));
    store.close();
    if (emptyFresh) discardResultsFile(fresh!);
    if (args.junit) {
      makeFolders(path.dirname(path.resolve(args.junit)), '--junit');
      writeFileSync(args.junit, junitXml(junit));
    }
  }
  if (args.json) io.out(`${JSON.stringify({ scenarios: jsonOut }, null, 2)}\n`);
  else if (!args.quiet) io.out(emptyFresh ? `results: none written (no run), ${args.db} not created\n` : `results: ${args.db}\n`);
  return code;
}
