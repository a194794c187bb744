/** Expands CLI paths (files or folders) into scenario files, sorted. */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { inputError } from '../errors.js';
import { exampleFiles } from './commands/examples.js';

const SCENARIO = /\.(ya?ml|json)$/i;

/** Scenario files from paths, or from --example names when given (explicit paths beside them too). */
export function selectedScenarioFiles(args: { paths: readonly string[]; example?: readonly string[] }, defaultPaths: readonly string[] = ['scenarios/']): string[] {
  if (!args.example || args.example.length === 0) return scenarioFiles(args.paths);
  const explicit = args.paths.join('\0') === defaultPaths.join('\0') ? [] : scenarioFiles(args.paths);
  return [...explicit, ...exampleFiles(args.example)];
}

export function scenarioFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      const hint = /^\.?\/?scenarios\/?$/.test(p)
        ? 'no scenarios/ folder here: `routebench init` scaffolds one for your gateway config, `routebench run --example quickstart` runs a bundled example (`routebench examples` lists them)'
        : undefined;
      throw inputError('PATH_MISSING', `${p}: no such file or folder`, [{ file: p, path: '', message: 'no such file or folder' }], hint);
    }
    if (st.isDirectory()) {
      const found = readdirSync(p)
        .filter((f) => SCENARIO.test(f) && !f.endsWith('.schema.json'))
        .sort()
        .map((f) => path.join(p, f));
      if (found.length === 0) throw inputError('NO_SCENARIOS', `${p}: no scenario files (*.yaml, *.yml, *.json) in this folder`);
      files.push(...found);
    } else files.push(p);
  }
  return files;
}
