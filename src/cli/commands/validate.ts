/**
 * `routebench validate [paths..]`: checks scenarios (schema, references, strategy options,
 * profiles, prices, trace paths) and, unless --no-traffic, reads each trace to find bad rows.
 * Prints every problem as `file:line:col  path  message`; exit 2 if there is any.
 */
import type { Argv } from 'yargs';
import { ExitCode, HarnessError, sortProblems, type Problem } from '../../errors.js';
import { combinedThresholdLines } from '../../scenario/threshold-expr.js';
import { observedOutcome, noOutcomesProblem } from '../backtest-outcomes.js';
import { checkScenario } from '../check-scenario.js';
import { paint } from '../colour.js';
import type { Io } from '../io.js';
import { selectedScenarioFiles } from '../scenario-paths.js';
import { count } from '../../plural.js';

export interface ValidateArgs {
  paths: string[];
  example?: string[];
  traffic: boolean;
}

export function validateBuilder(y: Argv): Argv<ValidateArgs> {
  return y
    .positional('paths', { type: 'string', array: true, default: ['scenarios/'], describe: 'scenario files or folders' })
    .option('example', { type: 'string', array: true, describe: 'validate an example scenario shipped with routebench (`routebench examples` lists them)' })
    .option('traffic', { type: 'boolean', default: true, describe: 'also read each trace and report bad rows (--no-traffic to skip)' }) as unknown as Argv<ValidateArgs>;
}

export async function validateHandler(args: ValidateArgs, io: Io): Promise<number> {
  const problems: Problem[] = [];
  const ok: string[] = [];
  for (const file of selectedScenarioFiles(args)) {
    try {
      const checked = await checkScenario(file);
      if ('problems' in checked) {
        problems.push(...checked.problems);
        continue;
      }
      const { loaded, plan } = checked;
      const before = problems.length;
      let requests = '';
      if (args.traffic && plan.tracePath) {
        // The trace readers and log importers load only when there is a trace to read.
        const { openTraffic } = await import('../../traffic/open-traffic.js');
        const traffic = openTraffic(loaded.scenario.traffic, plan.seed, { path: plan.tracePath, format: plan.traceFormat }, { onBadRow: 'skip' });
        // A backtest compares the trace's observed outcomes with the simulation: a trace with none
        // (a synthetic or public trace) would only fail at the end of `run` or `backtest`.
        let observed = 0;
        for await (const batch of traffic.batches) for (const r of batch) if (observedOutcome(r)) observed++;
        if (traffic.stats.skippedRows > 0) {
          for (const sample of traffic.stats.skippedSamples) problems.push({ file: plan.tracePath, path: '', message: sample.slice(plan.tracePath.length + 1) });
          if (loaded.scenario.traffic.trace?.on_bad_row !== 'skip')
            problems.push({ file, path: 'traffic.trace', message: `${count(traffic.stats.skippedRows, 'bad row')} in the trace (first ones above); fix them or set on_bad_row: skip` });
        }
        if (traffic.stats.rows === 0) problems.push({ file, path: 'traffic.trace', message: 'the trace has no requests (after window and limit)' });
        else if (loaded.scenario.backtest && observed === 0)
          problems.push(noOutcomesProblem(file, plan.tracePath));
        requests = `, ${traffic.stats.rows.toLocaleString('en-US')} ${traffic.stats.rows === 1 ? 'request' : 'requests'}`;
      }
      const n = (k: number, one: string, many: string) => `${k} ${k === 1 ? one : many}`;
      if (problems.length === before) {
        ok.push(`ok  ${file} (${n(plan.strategies.length, 'strategy', 'strategies')}, ${n(plan.targets.length, 'target', 'targets')}${requests})`);
        // A strategy's own threshold adds to a scenario-wide one on the same metric: say so.
        for (const line of combinedThresholdLines(loaded.scenario.thresholds, loaded.scenario.strategies)) ok.push(`    thresholds ${line}`);
      }
    } catch (e) {
      if (e instanceof HarnessError && e.problems.length > 0) problems.push(...e.problems);
      else throw e;
    }
  }
  const c = paint(io);
  for (const line of ok) io.out(`${line.replace(/^ok {2}/, `${c.green('ok')}  `)}\n`);
  if (problems.length > 0) throw new HarnessError('SCENARIO_INVALID', 'invalid scenarios', { problems: sortProblems(problems) });
  return ExitCode.ok;
}
