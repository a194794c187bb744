/** Turns any error into user-facing lines and an exit code. Never prints a raw stack trace. */
import { environmentFailure, ExitCode, formatProblem, HarnessError } from '../errors.js';
import { paint } from './colour.js';
import type { Io } from './io.js';
import { packagedPathHint } from './packaged-path-hint.js';
import { count } from '../plural.js';

export function reportError(failure: unknown, io: Io, command?: string): number {
  // A full disk, a file-size limit, no permission, a busy port: the environment, said plainly (exit 4).
  const e = environmentFailure(failure, undefined, io.env) ?? failure;
  if (e instanceof HarnessError) {
    if (e.problems.length > 0) {
      for (const p of e.problems) io.err(`${formatProblem(p)}\n`);
      io.err(`${count(e.problems.length, 'problem')} found.\n`);
      // On its own line, as every other command's hint (it was glued onto the count).
      if (e.hint) io.err(`${paint(io).yellow('hint:')} ${e.hint}\n`);
      // A docs path (fixtures/…, scenarios/…) run outside a clone: say where the package has it.
      for (const file of new Set(e.problems.map((p) => p.file ?? ''))) {
        const where = packagedPathHint(file, command);
        if (where) io.err(`${paint(io).yellow('hint:')} ${where}\n`);
      }
    } else {
      const c = paint(io);
      io.err(`${c.red('error:')} ${e.message}\n`);
      if (e.hint) io.err(`${c.yellow('hint:')} ${e.hint}\n`);
    }
    if (io.env.ROUTEBENCH_DEBUG && e.cause) io.err(`${String((e.cause as Error).stack ?? e.cause)}\n`);
    return e.exitCode;
  }
  const err = e as Error;
  // yargs reports a bad option value (our coerce checks included) as a YError: a usage error.
  if (err?.name === 'YError') {
    // the command's own help, as for the usage errors main.ts words itself
    const help = command && /^[a-z][a-z-]*$/.test(command) ? `routebench ${command} --help` : 'routebench --help';
    io.err(`error: ${err.message}\nrun \`${help}\` for usage\n`);
    return ExitCode.usage;
  }
  io.err(`${paint(io).red('internal error:')} ${err?.message ?? String(e)}\n`);
  io.err('this is a bug in routebench; please report it with the command and scenario. Set ROUTEBENCH_DEBUG=1 for the stack trace.\n');
  if (io.env.ROUTEBENCH_DEBUG) {
    const sql = (e as { sql?: unknown } | undefined)?.sql;
    io.err(`${err?.stack ?? ''}\n${typeof sql === 'string' ? `while running:\n${sql}\n` : ''}`);
  }
  return ExitCode.internal;
}
