/**
 * Prints (or, with --write, updates in README.md) the CLI help shown in the README's
 * "Command line" section, between the `<!-- cli-help:start -->` and `<!-- cli-help:end -->` markers.
 * test/cli/readme.test.ts fails when the README is out of step with `--help`.
 *
 * With --write-docs (`npm run docs:cli`) it writes docs/cli.md instead: the full CLI reference,
 * every command's `--help` from the command registry; test/cli/cli-docs.test.ts keeps it in step.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { runCli } from '../src/cli/main.js';
import { memoryIo } from '../src/cli/io.js';
import { COMMANDS, commandName } from '../src/cli/commands/index.js';

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

async function helpText(args: string[]): Promise<string> {
  const io = memoryIo();
  await runCli(args, io);
  return io.stdout.trimEnd();
}

/** docs/cli.md: the top-level help, then one section per command with its --help. */
export async function cliReferenceMarkdown(): Promise<string> {
  const parts = [
    '# Command-line reference',
    '',
    '<!-- Generated from `routebench --help` by `npm run docs:cli`; do not edit by hand. -->',
    '',
    'Every command prints this with `--help`. routebench is ESM-only and needs Node 20.19 or newer; install and first steps are in [install.md](install.md).',
    '',
    COMMANDS.map((c) => `- [\`${commandName(c)}\`](#routebench-${commandName(c)}): ${c.describe}`).join('\n'),
    '',
    '```text',
    `$ routebench --help\n${await helpText(['--help'])}`,
    '```',
  ];
  for (const c of COMMANDS) {
    const name = commandName(c);
    parts.push('', `## routebench ${name}`, '', c.describe.charAt(0).toUpperCase() + c.describe.slice(1) + '.', '', '```text', `$ routebench ${name} --help\n${await helpText([name, '--help'])}`, '```');
  }
  parts.push(
    '',
    '## Shell completion',
    '',
    '```sh',
    'routebench completion bash >> ~/.bashrc   # or: source <(routebench completion bash)',
    'routebench completion zsh > "${fpath[1]}/_routebench"   # or: source <(routebench completion zsh) after compinit',
    '```',
    '',
    '## Output conventions',
    '',
    '- Results go to stdout; progress, notes and errors go to stderr. With `--json`, stdout holds one JSON document and nothing else: `run` and `replay` print `{ "scenarios": [ … ] }`, `compare` prints an array of comparisons, `load` one summary object, `examples` `{ "scenarios": [ … ] }`.',
    '- On a terminal, `run` and `replay` draw a progress bar (percentage, rate, time left) on stderr; in CI (the `CI` variable set) or with `--progress` they print a plain line every few seconds instead.',
    '- Colour only on a terminal; `NO_COLOR=1` turns it off, `FORCE_COLOR=1` on.',
    '- A mistyped command or option gets a suggestion (`routebench rnu` → did you mean `routebench run`?; `--sed` → did you mean --seed?). `routebench help <command>` is `routebench <command> --help`.',
    '- `--help` and `validate` load only what they need: DuckDB, msw, the chart renderer and autocannon are imported by the commands that use them.',
    '',
  );
  return parts.join('\n');
}

export function replaceHelp(readme: string, help: string): string {
  return readme.replace(/(<!-- cli-help:start -->\n)[\s\S]*?(\n<!-- cli-help:end -->)/, `$1${help}$2`);
}

if (process.argv[1]?.endsWith('cli-help.ts')) {
  const help = await cliHelpMarkdown();
  if (process.argv.includes('--write-docs')) writeFileSync('docs/cli.md', await cliReferenceMarkdown());
  else if (process.argv.includes('--write')) writeFileSync('README.md', replaceHelp(readFileSync('README.md', 'utf8'), help));
  else console.log(help);
}
