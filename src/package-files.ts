/**
 * Files shipped inside the routebench package (scenarios/, fixtures/, the scenario JSON Schema),
 * found from this module's own location, so they resolve the same from a clone (src/ or dist/)
 * and from node_modules/routebench.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** True when this code runs from the TypeScript sources (tsx, vitest), false from dist/. */
export const FROM_SOURCE = import.meta.url.endsWith('.ts');

let root: string | undefined;

/**
 * The package root: the folder holding package.json, scenarios/ and fixtures/. Found by walking
 * up from this module to routebench's own package.json, so it is the same from src/, from dist/
 * and from the bundled CLI in dist/cli/ (where this code sits in a chunk at another depth).
 */
export function packageRoot(): string {
  if (root !== undefined) return root;
  const start = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'routebench') return (root = dir);
    if (path.dirname(dir) === dir) throw new Error(`routebench's package.json not found in any folder above ${start}`);
  }
}

/**
 * One of routebench's own modules as a file to start in a worker or child process, given its path
 * under src/ without extension (e.g. `runner/workers/sim-worker`): the compiled .js in dist/, or
 * the .ts source when running from source.
 */
export function ownModuleFile(rel: string): string {
  return path.join(packageRoot(), FROM_SOURCE ? 'src' : 'dist', `${rel}${FROM_SOURCE ? '.ts' : '.js'}`);
}

/** The prefix of a worker entry bundled on its own into dist/cli/ by `npm run build` (scripts/bundle-cli.ts). */
export const BUNDLED_WORKER_PREFIX = 'worker-';

/**
 * The file a worker thread of one of routebench's own modules starts: its own bundle in dist/cli/
 * when the build made one (fewer modules to load in every worker), else ownModuleFile(rel).
 */
export function ownWorkerFile(rel: string): string {
  if (!FROM_SOURCE) {
    const bundled = path.join(packageRoot(), 'dist', 'cli', `${BUNDLED_WORKER_PREFIX}${path.basename(rel)}.js`);
    if (existsSync(bundled)) return bundled;
  }
  return ownModuleFile(rel);
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
