/** Expands CLI paths (files or folders) into scenario files, sorted. */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { inputError } from '../errors.js';

const SCENARIO = /\.(ya?ml|json)$/i;

export function scenarioFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw inputError('PATH_MISSING', `${p}: no such file or folder`, [{ file: p, path: '', message: 'no such file or folder' }]);
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
