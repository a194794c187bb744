/**
 * A path from the docs that exists only inside the installed package: `fixtures/traces/…` and
 * `scenarios/…` are routebench's own files, at the top of a clone but under
 * node_modules/routebench in a project that installed it. When such a path is not found here but
 * the package has it, the hint says where it is (relative to the current folder), and for an
 * example scenario, the `--example` option that runs it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { exampleScenarios, packageRoot } from '../package-files.js';

export function packagedPathHint(missing: string, command: string | undefined): string | undefined {
  if (missing === '' || path.isAbsolute(missing) || existsSync(missing)) return undefined;
  let root: string;
  try {
    root = packageRoot();
  } catch {
    return undefined;
  }
  const inPackage = path.join(root, missing);
  if (path.resolve(inPackage) === path.resolve(missing) || !existsSync(inPackage)) return undefined;
  const rel = path.relative(process.cwd(), inPackage);
  const example = exampleScenarios().find((e) => path.resolve(e.file) === path.resolve(inPackage));
  const byName = example && (command === 'run' || command === 'validate') ? `; run it with \`routebench ${command} --example ${example.name}\`` : '';
  return `${missing} is one of routebench's own files, shipped in the package: ${rel}${byName}`;
}
