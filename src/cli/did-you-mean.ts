/**
 * "Did you mean" for the command line: a mistyped command (`rnu` → run) or option (`--sed` →
 * --seed), from yargs' own "Unknown argument" message and the names the command knows.
 */
import { nearest } from '../scenario/suggest.js';

/** yargs says "Unknown argument: sed" or "Unknown arguments: sed, jsno". */
function unknownArguments(message: string): string[] {
  const m = /^Unknown arguments?: (.+)$/m.exec(message);
  return m ? m[1]!.split(', ').map((s) => s.trim()).filter(Boolean) : [];
}

/** The first word, when it is not a command: suggest the nearest command. */
export function suggestCommand(message: string, argv: readonly string[], commands: readonly string[]): string[] {
  const first = argv.find((a) => !a.startsWith('-'));
  if (first === undefined || commands.includes(first)) return [];
  if (!unknownArguments(message).includes(first) && !/command/i.test(message)) return [];
  const guess = nearest(first, commands);
  return guess ? [`did you mean \`routebench ${guess}\`?`] : [`commands: ${commands.join(', ')}`];
}

/** Every unknown option that is near a known one: `did you mean --seed?`. */
export function suggestOptions(message: string, known: readonly string[]): string[] {
  const names = known.filter((k) => k.length > 1 && k !== '$0' && k !== '_');
  const out: string[] = [];
  for (const arg of unknownArguments(message)) {
    const guess = nearest(arg, names);
    if (guess) out.push(`did you mean --${guess} (for ${arg.length > 1 ? '--' : '-'}${arg})?`);
  }
  return out;
}
