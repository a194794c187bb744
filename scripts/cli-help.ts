/**
 * Prints (or, with --write, updates in README.md) the CLI help shown in the README's
 * "Command line" section, between the `<!-- cli-help:start -->` and `<!-- cli-help:end -->` markers.
 * test/cli/readme.test.ts fails when the README is out of step with `--help`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { runCli } from '../src/cli/main.js';
import { memoryIo } from '../src/cli/io.js';

export const HELP_COMMANDS = [['--help'], ['run', '--help'], ['validate', '--help'], ['import', '--help'], ['list', '--help']];

export async function cliHelpMarkdown(): Promise<string> {
  const parts: string[] = [];
  for (const args of HELP_COMMANDS) {
    const io = memoryIo();
    await runCli(args, io);
    parts.push(`$ routebench ${args.join(' ')}\n${io.stdout.trimEnd()}`);
  }
  return `\`\`\`text\n${parts.join('\n\n')}\n\`\`\``;
}

export function replaceHelp(readme: string, help: string): string {
  return readme.replace(/(<!-- cli-help:start -->\n)[\s\S]*?(\n<!-- cli-help:end -->)/, `$1${help}$2`);
}

if (process.argv[1]?.endsWith('cli-help.ts')) {
  const help = await cliHelpMarkdown();
  if (process.argv.includes('--write')) writeFileSync('README.md', replaceHelp(readFileSync('README.md', 'utf8'), help));
  else console.log(help);
}
