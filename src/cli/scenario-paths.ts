/** Expands CLI paths (files or folders) into scenario files, sorted. */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { inputError } from '../errors.js';
import { exampleFiles } from './commands/examples.js';

const SCENARIO = /\.(ya?ml|json)$/i;

/** Scenario files from paths, or from --example names when given (explicit paths beside them too). */
export function selectedScenarioFiles(args: { paths: readonly string[]; example?: readonly string[] }, defaultPaths: readonly string[] = ['scenarios/']): string[] {
  if (!args.example || args.example.length === 0) return scenarioFiles(args.paths);
  // --example takes every word after it (`run --example quickstart my.yaml`): a word that is a
  // path, not a name (a slash, a scenario extension), is the scenario file it looks like.
  const looksLikePath = (w: string) => /[\\/]|\.(ya?ml|json)$/i.test(w);
  const names = args.example.filter((w) => !looksLikePath(w));
  const swallowed = args.example.filter(looksLikePath);
  const given = args.paths.join('\0') === defaultPaths.join('\0') ? [] : args.paths;
  const explicit = [...given, ...swallowed].length > 0 ? scenarioFiles([...given, ...swallowed]) : [];
  return [...explicit, ...(names.length > 0 ? exampleFiles(names) : [])];
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
        .filter((f) => SCENARIO.test(f) && !f.endsWith('.schema.json') && !isCalibrationFile(path.join(p, f)))
        .sort()
        .map((f) => path.join(p, f));
      if (found.length === 0) throw inputError('NO_SCENARIOS', `${p}: no scenario files (*.yaml, *.yml, *.json) in this folder`);
      files.push(...found);
    } else files.push(p);
  }
  // A file named twice (`run a.yaml a.yaml`, or `run scenarios/ scenarios/a.yaml`) runs once; it
  // was refused as "two scenarios are named a: a.yaml and a.yaml".
  const seen = new Set<string>();
  return files.filter((f) => !seen.has(path.resolve(f)) && Boolean(seen.add(path.resolve(f))));
}

/**
 * A file `routebench calibrate` wrote (its first line says so): a scenario includes it with
 * `calibration:`, so a folder of scenarios that holds one does not run it as a scenario.
 */
function isCalibrationFile(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(64);
    const n = readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, n).toString('utf8').startsWith('# Written by routebench calibrate');
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
