/**
 * An option that takes one value, given twice (`record --openai A --openai B`, `import -o a -o b`,
 * `backtest --db a --db b`), is a usage error (exit 2) for every command, said before anything
 * runs. yargs hands such an option to the command as an array of both values, which the commands
 * took for one value: the recorder relayed to the URL "A,B", `--strategy a --strategy b` looked for
 * a strategy "a,b", and a path option ended in an internal error (exit 1) after the work.
 * Options declared repeatable (`--tag`, `--tag-header`, `--strategy` of run) are left alone.
 */
import { inputError } from '../errors.js';

/** What a command's parser declared: its options, which of them repeat, and their aliases. */
export interface DeclaredOptions {
  key?: Record<string, unknown>;
  array?: readonly string[];
  alias?: Record<string, readonly string[]>;
}

function label(key: string, alias: Record<string, readonly string[]>): string {
  const short = (alias[key] ?? []).find((a) => a.length === 1);
  return short ? `-${short}/--${key}` : `--${key}`;
}

export function refuseRepeatedOptions(args: Readonly<Record<string, unknown>>, declared: DeclaredOptions | undefined): void {
  if (!declared?.key) return;
  const repeatable = new Set(declared.array ?? []);
  const alias = declared.alias ?? {};
  const aliases = new Set(Object.values(alias).flat());
  for (const key of Object.keys(declared.key)) {
    if (repeatable.has(key) || aliases.has(key)) continue;
    const v = args[key];
    if (!Array.isArray(v) || v.length < 2) continue;
    const said = label(key, alias);
    const values = v.map((x) => JSON.stringify(x)).join(', ');
    throw inputError('OPTION_TWICE', `${said} takes one value and was given ${v.length} (${values})`, [], `give ${said} once`);
  }
}
