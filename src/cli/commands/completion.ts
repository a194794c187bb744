/** `routebench completion [bash|zsh]`: prints a shell completion script (default: from $SHELL). */
import path from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode } from '../../errors.js';
import { bashScript, completionModel, SHELLS, zshScript, type Shell } from '../completion-script.js';
import type { Io } from '../io.js';

export interface CompletionArgs {
  shell?: Shell;
}

export function completionBuilder(y: Argv): Argv<CompletionArgs> {
  return y.positional('shell', { choices: SHELLS, describe: 'the shell (default: the one $SHELL names, else bash)' }) as unknown as Argv<CompletionArgs>;
}

export async function completionHandler(args: CompletionArgs, io: Io): Promise<number> {
  const fromEnv = path.basename(io.env.SHELL ?? '');
  const shell: Shell = args.shell ?? (fromEnv === 'zsh' ? 'zsh' : 'bash');
  const model = await completionModel();
  io.out(shell === 'zsh' ? zshScript(model) : bashScript(model));
  return ExitCode.ok;
}
