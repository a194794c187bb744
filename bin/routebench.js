#!/usr/bin/env node
// Thin launcher for the compiled CLI in dist/ (built by `npm run build`; the published package
// ships it, built by `prepack`).
import { existsSync } from 'node:fs';
import module from 'node:module';

// Node 22.1+ keeps compiled code between runs, which shortens every start after the first.
module.enableCompileCache?.();

// `npm run build` bundles the command line into dist/cli/routebench-cli.js (a handful of files load
// at start instead of ~200 modules); a tsc-only build still runs, from dist/cli/main.js.
const bundled = new URL('../dist/cli/routebench-cli.js', import.meta.url);
let cli;
try {
  cli = await import(existsSync(bundled) ? bundled.href : '../dist/cli/main.js');
} catch (e) {
  if (e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('main.js')) {
    process.stderr.write('routebench: dist/ is missing: run `npm run build` in this clone first (the published package ships it built)\n');
    process.exit(4);
  }
  throw e;
}
process.exitCode = await cli.runCli(process.argv.slice(2));
