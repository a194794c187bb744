/** `routebench completion [bash|zsh]`: prints a shell completion script (default: from $SHELL). */
import path from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode, inputError } from '../../errors.js';
import { bashScript, completionModel, SHELLS, zshScript, type Shell } from '../completion-script.js';
import type { Io } from '../io.js';

export interface CompletionArgs {
  shell?: Shell;
}

export function completionBuilder(y: Argv): Argv<CompletionArgs> {
  return y.positional('shell', { choices: SHELLS, describe: 'the shell (default: the one $SHELL names, else bash when $SHELL is not set)' }) as unknown as Argv<CompletionArgs>;
}

/**
 * The shell to write for: the one named, else $SHELL's. A $SHELL with no script here (fish, sh,
 * nu, …) is refused rather than answered with a bash script that shell cannot read.
 */
function pickShell(named: Shell | undefined, envShell: string | undefined): Shell {
  if (named !== undefined) return named;
  if (envShell === undefined || envShell === '') return 'bash';
  const base = path.basename(envShell);
  if ((SHELLS as readonly string[]).includes(base)) return base as Shell;
  throw inputError(
    'NO_COMPLETION_FOR_SHELL',
    `$SHELL is ${envShell}: routebench has completion scripts for ${SHELLS.join(' and ')} only, not ${base}`,
    [],
    `name the shell: \`routebench completion bash\` or \`routebench completion zsh\``,
  );
}

export async function completionHandler(args: CompletionArgs, io: Io): Promise<number> {
  const shell = pickShell(args.shell, io.env.SHELL);
  const model = await completionModel();
  io.out(shell === 'zsh' ? zshScript(model) : bashScript(model));
  return ExitCode.ok;
}
