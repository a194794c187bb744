/**
 * The routebench command line. The only place that prints and picks exit codes; everything it
 * does goes through the same functions as the programmatic API.
 *
 * Startup stays light: each command's module (and with it DuckDB, msw, vega, autocannon) is
 * imported only when that command runs or shows its help (commands/index.ts).
 */
import yargs, { type Argv } from 'yargs';
import { ExitCode } from '../errors.js';
import { harnessVersion } from '../runner/run-environment.js';
import { COMMANDS, commandName, type CommandModule, type CommandSpec } from './commands/index.js';
import { paint } from './colour.js';
import { processIo, type Io } from './io.js';
import { reportError } from './report-error.js';
import { suggestCommand, suggestOptions } from './did-you-mean.js';
import { joinDashValues, refuseDashPaths } from './dash-paths.js';
import { refuseEmptyPaths } from './empty-paths.js';
import { refuseRepeatedOptions, type DeclaredOptions } from './repeated-options.js';
import { requireValues } from './require-values.js';

const EPILOGUE = `Exit codes: 0 ok · 1 internal bug · 2 invalid input (every problem listed) · 3 thresholds failed or regression budget exceeded · 4 environment (locked DB, missing file system access) · 130 interrupted.
Output paths: - is stdout for import -o, report --pr-comment and ci summary --out (their notes go to stderr); every other output needs a path (./- names a file called -).
Docs: README.md and docs/ (shipped in the package too: node_modules/routebench/docs/)`;

const USAGE = '$0 <command> [options]\n\nReplay LLM traffic through routing strategies against mocked providers; compare latency, failover and cost.';

/** The options a parser declared (names, which repeat, aliases). */
function declaredOptions(y: Argv | undefined): DeclaredOptions | undefined {
  return (y as unknown as { getOptions?: () => DeclaredOptions } | undefined)?.getOptions?.();
}

/** Option names (and aliases) a parser knows. */
function knownOptions(y: Argv | undefined): string[] {
  const opts = declaredOptions(y);
  if (!opts) return [];
  return [...Object.keys(opts.key ?? {}), ...Object.values(opts.alias ?? {}).flat()];
}

export async function runCli(given: readonly string[], io: Io = processIo()): Promise<number> {
  // `routebench help [command]` is `routebench [command] --help`, as in git and npm.
  const argv = joinDashValues(given[0] === 'help' ? [...given.slice(1), '--help'] : given);
  let code: number = ExitCode.ok;
  let failed: unknown;
  // The options of the command being run, read as soon as its builder ran (yargs resets the
  // parser when parsing fails), for "did you mean --seed?".
  let built: string[] | undefined;
  let declared: DeclaredOptions | undefined;
  const c = paint(io);
  // The command's work: the yargs handler starts it and returns nothing; it is awaited after parsing.
  let running: Promise<void> | undefined;
  const register = (parser: Argv, spec: CommandSpec) => {
    let loading: ReturnType<CommandSpec['load']> | undefined;
    let loaded: CommandModule | undefined;
    const load = () => (loading ??= spec.load().then((m) => (loaded = m)));
    return parser.command(
      spec.usage,
      spec.describe,
      async (y) => {
        const inner = requireValues((await load()).builder(y), spec.usage);
        built = knownOptions(inner);
        declared = declaredOptions(inner);
        return inner;
      },
      (args) => {
        running = (async () => {
          try {
            refuseRepeatedOptions(args, declared);
            refuseEmptyPaths(args, commandName(spec));
            refuseDashPaths(args, commandName(spec));
            code = await (loaded ?? (await load())).handler(args, io);
          } catch (e) {
            failed = e;
          }
        })();
      },
    );
  };
  let parser = yargs([...argv]).scriptName('routebench').usage(USAGE);
  for (const spec of COMMANDS) parser = register(parser, spec);
  parser = parser
    .demandCommand(1, `give a command: ${COMMANDS.map(commandName).join(', ')}`)
    .strict()
    .version(harnessVersion())
    .help()
    .alias('h', 'help')
    .wrap(100)
    // Every message routebench prints is English; yargs would otherwise translate its own half
    // (and "did you mean" reads its English "Unknown argument").
    .locale('en')
    .epilogue(EPILOGUE)
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  skipHelpCache(parser);
  let output = '';
  try {
    await parser.parseAsync([...argv], {}, (_err, _args, out) => {
      output = out ?? '';
    });
  } catch (e) {
    failed ??= e;
  }
  await running;
  if (failed instanceof UsageError) {
    // yargs' own usage dump is long; the error, a suggestion and where to look are enough.
    const hints = [...suggestCommand(failed.message, argv, COMMANDS.map(commandName)), ...suggestOptions(failed.message, built ?? knownOptions(parser))];
    io.err(`${c.red('error:')} ${failed.message}\n${hints.map((h) => `${h}\n`).join('')}run \`routebench ${argv[0] && COMMANDS.some((s) => commandName(s) === argv[0]) ? `${argv[0]} ` : ''}--help\` for usage\n`);
    return ExitCode.usage;
  }
  if (output) (failed ? io.err : io.out)(`${output}\n`);
  if (failed) return reportError(failed, io, argv[0]);
  return code;
}

class UsageError extends Error {}

/**
 * yargs renders the chosen command's whole help text after running its handler, on every run, to
 * keep it for a later showHelp (8-17 ms of string measuring per start). routebench never shows
 * help after a command ran (usage errors print their own short message), so that step is skipped.
 * Without the internal method (another yargs version) nothing changes but the time.
 */
function skipHelpCache(parser: Argv): void {
  type Internals = { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } };
  const usage = (parser as unknown as Internals).getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}
