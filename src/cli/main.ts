/**
 * The routebench command line. The only place that prints and picks exit codes; everything it
 * does goes through the same functions as the programmatic API.
 */
import yargs from 'yargs';
import { ExitCode } from '../errors.js';
import { harnessVersion } from '../runner/run-environment.js';
import { importBuilder, importHandler, type ImportArgs } from './commands/import.js';
import { listBuilder, listHandler, type ListArgs } from './commands/list.js';
import { runBuilder, runHandler, type RunArgs } from './commands/run.js';
import { validateBuilder, validateHandler, type ValidateArgs } from './commands/validate.js';
import { reportBuilder, reportHandler, type ReportArgs } from './commands/report.js';
import { exportBuilder, exportHandler, type ExportArgs } from './commands/export.js';
import { mergeBuilder, mergeHandler, type MergeArgs } from './commands/merge.js';
import { compareBuilder, compareHandler, type CompareArgs } from './commands/compare.js';
import { replayBuilder, replayHandler, type ReplayArgs } from './commands/replay.js';
import { mockServerBuilder, mockServerHandler, type MockServerArgs } from './commands/mock-server.js';
import { loadBuilder, loadHandler, type LoadArgs } from './commands/load.js';
import { serveBuilder, serveHandler, type ServeArgs } from './commands/serve.js';
import { processIo, type Io } from './io.js';
import { reportError } from './report-error.js';

const EPILOGUE = `Exit codes: 0 ok · 1 internal bug · 2 invalid input (every problem listed) · 3 thresholds failed or regression budget exceeded · 4 environment (locked DB, missing file system access) · 130 interrupted.
Docs: README.md`;

export async function runCli(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let code: number = ExitCode.ok;
  let failed: unknown;
  const wrap =
    <A>(handler: (args: A, io: Io) => Promise<number> | number) =>
    async (args: A) => {
      try {
        code = await handler(args, io);
      } catch (e) {
        failed = e;
      }
    };
  const parser = yargs([...argv])
    .scriptName('routebench')
    .usage('$0 <command> [options]\n\nReplay LLM traffic through routing strategies against mocked providers; compare latency, failover and cost.')
    .command<RunArgs>('run [paths..]', 'run scenarios (files or folders; default scenarios/) and write results and summaries', runBuilder, wrap(runHandler))
    .command<ReplayArgs>('replay [paths..]', 'run scenarios over real HTTP on the real clock: msw mocks, a loopback mock server, or live APIs', replayBuilder, wrap(replayHandler))
    .command<MockServerArgs>('mock-server', "serve a scenario's mock providers over loopback HTTP (for SDKs and gateways)", mockServerBuilder, wrap(mockServerHandler))
    .command<ServeArgs>('serve', "run one strategy as an OpenAI/Anthropic-compatible gateway on loopback, in front of the scenario's targets", serveBuilder, wrap(serveHandler))
    .command<LoadArgs>('load <scenario>', "capacity, throughput frontier and added latency of a scenario's load arms (direct, routebench serve, your gateway)", loadBuilder, wrap(loadHandler))
    .command<ValidateArgs>('validate [paths..]', 'check scenarios and their traces; report every problem', validateBuilder, wrap(validateHandler))
    .command<CompareArgs>('compare [baseline] [candidate]', 'compare two runs (or run groups): every metric with the 95% CI of the difference and a win/loss/tie verdict', compareBuilder, wrap(compareHandler))
    .command<ReportArgs>('report', 'render HTML reports from a results file (e.g. after merge)', reportBuilder, wrap(reportHandler))
    .command<ExportArgs>('export', 'write runs as Parquet (one file per table) plus meta.json', exportBuilder, wrap(exportHandler))
    .command<MergeArgs>('merge <sources..>', 'merge results files or Parquet exports (e.g. CI shards) into one results file', mergeBuilder, wrap(mergeHandler))
    .command<ImportArgs>('import <input>', 'convert an Azure, Mooncake or BurstGPT trace to routebench JSONL', importBuilder, wrap(importHandler))
    .command<ListArgs>('list <what>', 'list strategies, profiles, trace formats or threshold metrics', listBuilder, wrap(listHandler))
    .demandCommand(1, 'give a command: run, replay, mock-server, serve, load, validate, compare, report, export, merge, import or list')
    .strict()
    .recommendCommands()
    .version(harnessVersion())
    .help()
    .alias('h', 'help')
    .wrap(100)
    .epilogue(EPILOGUE)
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  let output = '';
  try {
    await parser.parseAsync([...argv], {}, (_err, _args, out) => {
      output = out ?? '';
    });
  } catch (e) {
    failed ??= e;
  }
  if (output) (failed ? io.err : io.out)(`${output}\n`);
  if (failed instanceof UsageError) {
    io.err(`error: ${failed.message}\nrun \`routebench --help\` for usage\n`);
    return ExitCode.usage;
  }
  if (failed) return reportError(failed, io);
  return code;
}

class UsageError extends Error {}
