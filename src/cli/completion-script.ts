/**
 * Shell completion scripts (bash, zsh) generated from the command registry: command names, each
 * command's options with their descriptions and choices. The script is static, so pressing Tab
 * never starts Node.
 */
import yargs from 'yargs';
import { COMMANDS, commandName, type CommandSpec } from './commands/index.js';

export const SHELLS = ['bash', 'zsh'] as const;
export type Shell = (typeof SHELLS)[number];

export interface CompletionOption {
  name: string;
  describe: string;
  choices: string[];
  takesValue: boolean;
}

export interface CompletionCommand {
  name: string;
  describe: string;
  options: CompletionOption[];
  /** Choices of the first positional (e.g. `list <what>`), if it has any. */
  positionalChoices: string[];
}

interface YargsOptions {
  key: Record<string, unknown>;
  boolean: string[];
  choices: Record<string, string[]>;
}

/** Runs every command's builder on a blank parser and reads back its options. */
export async function completionModel(specs: readonly CommandSpec[] = COMMANDS): Promise<CompletionCommand[]> {
  const out: CompletionCommand[] = [];
  for (const spec of specs) {
    const y = (await spec.load()).builder(yargs([]));
    const opts = (y as unknown as { getOptions(): YargsOptions }).getOptions();
    const descriptions = (y as unknown as { getInternalMethods(): { getUsageInstance(): { getDescriptions(): Record<string, string | undefined> } } })
      .getInternalMethods()
      .getUsageInstance()
      .getDescriptions();
    const positionals = [...spec.usage.matchAll(/[<[]([\w-]+)(?:\.\.)?[>\]]/g)].map((m) => m[1]!);
    const options = Object.keys(opts.key)
      .filter((k) => !positionals.includes(k) && k !== 'version')
      .map((name) => ({
        name,
        describe: (descriptions[name] ?? '').replace(/^__yargsString__:/, ''),
        choices: opts.choices[name] ?? [],
        takesValue: !opts.boolean.includes(name),
      }));
    const first = positionals[0];
    out.push({ name: commandName(spec), describe: spec.describe, options, positionalChoices: first ? (opts.choices[first] ?? []) : [] });
  }
  return out;
}

const words = (list: readonly string[]) => list.join(' ');

export function bashScript(commands: readonly CompletionCommand[]): string {
  const cases = commands
    .map((c) => {
      const valueCases = c.options
        .filter((o) => o.choices.length > 0)
        .map((o) => `        --${o.name}) COMPREPLY=($(compgen -W "${words(o.choices)}" -- "$cur")); return ;;`)
        .join('\n');
      const positional = c.positionalChoices.length > 0 ? `\n      [[ "$cur" != -* ]] && COMPREPLY=($(compgen -W "${words(c.positionalChoices)}" -- "$cur")) && return` : '';
      return `    ${c.name})\n      case "$prev" in\n${valueCases}${valueCases ? '\n' : ''}      esac${positional}\n      opts="${words(c.options.map((o) => `--${o.name}`))}" ;;`;
    })
    .join('\n');
  return `# routebench completion for bash: add to ~/.bashrc with
#   source <(routebench completion bash)
_routebench_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" opts=""
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "${words(commands.map((c) => c.name))} --help --version" -- "$cur"))
    return
  fi
  case "\${COMP_WORDS[1]}" in
${cases}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  fi
}
complete -o default -F _routebench_complete routebench
`;
}

/** Text safe inside a zsh _arguments spec `--x[text]` or a _describe entry `name:text`. */
const zshText = (s: string) => s.replace(/[[\]:\\'`$]/g, '').replace(/\s+/g, ' ');

export function zshScript(commands: readonly CompletionCommand[]): string {
  const list = commands.map((c) => `    '${c.name}:${zshText(c.describe)}'`).join('\n');
  const cases = commands
    .map((c) => {
      const specs = c.options.map((o) => {
        const value = o.takesValue ? (o.choices.length > 0 ? `:${o.name}:(${o.choices.join(' ')})` : `:${o.name}:_files`) : '';
        return `'--${o.name}[${zshText(o.describe)}]${value}'`;
      });
      const rest = c.positionalChoices.length > 0 ? `'1:what:(${c.positionalChoices.join(' ')})'` : `'*:file:_files'`;
      return `    ${c.name}) _arguments ${[...specs, rest].join(' ')} ;;`;
    })
    .join('\n');
  return `#compdef routebench
# routebench completion for zsh: add to ~/.zshrc (after compinit) with
#   source <(routebench completion zsh)
_routebench() {
  local -a commands
  commands=(
${list}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  words=("\${words[@]:1}")
  (( CURRENT-- ))
  case $words[1] in
${cases}
  esac
}
compdef _routebench routebench
`;
}
