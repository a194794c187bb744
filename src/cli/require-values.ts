/**
 * Every option that takes a value must be given one. yargs otherwise reads `--db` at the end of a
 * line, or before another flag, as no value at all and quietly uses the option's default or none:
 * `routebench run --db $DB` with DB unset and unquoted (the shell drops the word) wrote into
 * results/routebench.duckdb, `--limit` before another flag ran every request, `--seed` ran seed 1,
 * each with exit 0. Now each is exit 2, "Not enough arguments following: db", as yargs says for an
 * option declared with requiresArg (https://yargs.js.org/docs/#api-reference-requiresargkeys).
 *
 * Left out: flags (booleans, counts), the command's positionals (named in its usage, e.g.
 * `run [paths..]`), and repeatable options (`--tag-header a --tag-header b` or `--tag a b`: yargs
 * takes requiresArg as exactly one value per flag, which would cut `--tag a b` to `a`). An empty
 * value (`--db ""`) is still a value; empty paths are refused with their own message
 * (empty-paths.ts).
 */
import type { Argv } from 'yargs';

interface ParserOptions {
  key?: Record<string, unknown>;
  boolean?: readonly string[];
  count?: readonly string[];
  array?: readonly string[];
  alias?: Record<string, readonly string[]>;
}

/** Positional names in a command's usage, e.g. `compare [baseline] [candidate]`: baseline, candidate. */
export function positionalNames(usage: string): string[] {
  return [...usage.matchAll(/[<[]([\w-]+)(?:\.\.)?[>\]]/g)].map((m) => m[1]!);
}

/** The option names (aliases left to yargs) that must be followed by a value. */
export function valueOptions(opts: ParserOptions, usage: string): string[] {
  const skip = new Set([...(opts.boolean ?? []), ...(opts.count ?? []), ...(opts.array ?? []), ...positionalNames(usage), 'help', 'version']);
  const alias = opts.alias ?? {};
  // one name per option: its aliases follow it in yargs
  const covered = new Set<string>();
  const out: string[] = [];
  for (const k of Object.keys(opts.key ?? {})) {
    if (covered.has(k)) continue;
    covered.add(k);
    for (const a of alias[k] ?? []) covered.add(a);
    if (!skip.has(k) && !(alias[k] ?? []).some((a) => skip.has(a))) out.push(k);
  }
  return out;
}

/** Declares requiresArg on the command's value-taking options (`y`: its parser, built). */
export function requireValues(y: Argv, usage: string): Argv {
  const opts = (y as unknown as { getOptions?: () => ParserOptions }).getOptions?.();
  if (!opts) return y;
  const keys = valueOptions(opts, usage);
  return keys.length > 0 ? y.requiresArg(keys) : y;
}
