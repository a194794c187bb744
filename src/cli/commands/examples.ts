/**
 * `routebench examples`: the example scenarios shipped in the package, with what each asks.
 * `routebench run --example <name>` (or `validate`, `replay`) runs one without copying it.
 */
import { readFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import { parse } from 'yaml';
import { ExitCode, inputError } from '../../errors.js';
import { exampleScenarios } from '../../package-files.js';
import { nearest } from '../../scenario/suggest.js';
import type { Io } from '../io.js';

export interface ExamplesArgs {
  json: boolean;
}

export function examplesBuilder(y: Argv): Argv<ExamplesArgs> {
  return y.option('json', { type: 'boolean', default: false, describe: 'print the list as JSON' }) as unknown as Argv<ExamplesArgs>;
}

const firstSentence = (text: string) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  const end = flat.search(/[.?!](\s|$)/);
  return end < 0 ? flat : flat.slice(0, end + 1);
};

function describeFile(file: string): string {
  try {
    const doc = parse(readFileSync(file, 'utf8')) as { description?: unknown } | null;
    return typeof doc?.description === 'string' ? firstSentence(doc.description) : '';
  } catch {
    return '';
  }
}

export function examplesHandler(args: ExamplesArgs, io: Io): number {
  const list = exampleScenarios().map((e) => ({ ...e, description: describeFile(e.file) }));
  if (args.json) {
    io.out(`${JSON.stringify({ scenarios: list }, null, 2)}\n`);
    return ExitCode.ok;
  }
  const w = Math.max(...list.map((e) => e.name.length));
  for (const e of list) io.out(`${e.name.padEnd(w)}  ${e.description}\n`);
  io.out(`\nrun one: routebench run --example ${list[0]?.name ?? 'quickstart'}   (files: ${list[0] ? list[0].file.replace(/[^/\\]+$/, '') : ''})\n`);
  return ExitCode.ok;
}

/** The scenario files of the examples named by --example, or a usage error naming the known ones. */
export function exampleFiles(names: readonly string[]): string[] {
  const all = exampleScenarios();
  return names.map((name) => {
    const found = all.find((e) => e.name === name);
    if (found) return found.file;
    const guess = nearest(name, all.map((e) => e.name));
    throw inputError('UNKNOWN_EXAMPLE', `no example scenario named "${name}"${guess ? `; did you mean "${guess}"?` : ''}`, [], `\`routebench examples\` lists them (${all.map((e) => e.name).join(', ')})`);
  });
}
