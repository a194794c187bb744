/**
 * Files shipped inside the routebench package (scenarios/, fixtures/, the scenario JSON Schema),
 * found from this module's own location, so they resolve the same from a clone (src/ or dist/)
 * and from node_modules/routebench.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the folder holding package.json, scenarios/ and fixtures/. */
export function packageRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
}

/** The scenario JSON Schema shipped in the package. */
export function scenarioSchemaPath(): string {
  return path.join(packageRoot(), 'scenarios', 'scenario.schema.json');
}

export interface ExampleScenario {
  /** File name without extension, e.g. `quickstart` or `gateway-overhead`. */
  name: string;
  file: string;
}

const SCENARIO_FILE = /\.ya?ml$/i;

/** The example scenarios in the package's scenarios/ folder and its sub-folders, sorted by name. */
export function exampleScenarios(): ExampleScenario[] {
  const root = path.join(packageRoot(), 'scenarios');
  if (!existsSync(root)) return [];
  const out: ExampleScenario[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (SCENARIO_FILE.test(entry.name)) out.push({ name: entry.name.replace(SCENARIO_FILE, ''), file: full });
    }
  };
  walk(root);
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
