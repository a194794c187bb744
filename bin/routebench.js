#!/usr/bin/env node
// Thin launcher for the compiled CLI in dist/ (built by `npm run build`; the published package
// ships it, built by `prepack`).
import module from 'node:module';

// Node 22.1+ keeps compiled code between runs, which shortens every start after the first.
module.enableCompileCache?.();

let cli;
try {
  cli = await import('../dist/cli/main.js');
} catch (e) {
  if (e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('main.js')) {
    process.stderr.write('routebench: dist/ is missing: run `npm run build` in this clone first (the published package ships it built)\n');
    process.exit(4);
  }
  throw e;
}
process.exitCode = await cli.runCli(process.argv.slice(2));
