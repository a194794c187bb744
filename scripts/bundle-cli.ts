/**
 * Bundles the command line (dist/cli/main.js, compiled by tsc) into dist/cli/routebench-cli.js
 * plus one chunk per lazily imported command, so that a start loads a handful of files instead of
 * ~200 ES modules. Run by `npm run build` and `prepack`, after tsc.
 *
 * Only the CLI's own code and the small pure-JS packages every start needs (yargs, zod, yaml and
 * what they import) go into the bundle. Every other dependency stays an import of the installed
 * package (DuckDB's and resvg's native bindings, msw, vega, undici, autocannon): those load only
 * when a command uses them. Chunks sit in dist/cli/, the same depth as the tsc output they
 * replace; worker threads and child processes still start the tsc-compiled files in dist/
 * (src/package-files.ts finds them from the package root), except the simulate worker: it starts
 * once per worker thread of every parallel run, so it is bundled on its own too
 * (dist/cli/worker-sim-worker.js, nothing shared with the CLI's chunks), which halves the CPU a
 * worker spends loading its modules (~230 -> ~110 ms each, measured by starting it in a thread).
 *
 * `--check` only reports what would be bundled (to review a dependency change). The report goes to
 * stderr: `npm pack --json` mixes a prepack script's stdout into its JSON.
 */
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const BUNDLED = new Set(['yargs', 'zod', 'yaml']);
const OUT_DIR = 'dist/cli';
const ENTRY = 'routebench-cli';
const CHUNK_PREFIX = 'rb-chunk-';
/** BUNDLED_WORKER_PREFIX in src/package-files.ts: how a worker finds its bundle. */
const WORKER_PREFIX = 'worker-';
/** Worker entries bundled alone, by their path under dist/ without extension. */
const WORKERS = ['runner/workers/sim-worker'];

const root = process.cwd();
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
const installed = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})];
const external = installed.filter((name) => !BUNDLED.has(name)).flatMap((name) => [name, `${name}/*`]);

const check = process.argv.includes('--check');
if (!check) {
  // A rebuild must not leave chunks of an older bundle beside the new one.
  for (const f of readdirSync(OUT_DIR)) if (f.startsWith(CHUNK_PREFIX) || f.startsWith(`${ENTRY}.`) || f.startsWith(WORKER_PREFIX)) rmSync(path.join(OUT_DIR, f));
}

/**
 * zod's locales index imports the messages of every language zod ships (~370 KB, half of zod in
 * the bundle), parsed at every start; zod configures English itself and routebench sets no other
 * locale, so the bundle's index holds English only (validate: ~6% less CPU per start).
 */
const englishOnlyZod = {
  name: 'zod-english-only',
  setup(b: import('esbuild').PluginBuild) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({ contents: 'export { default as en } from "./en.js";\n', loader: 'js', resolveDir: path.join(root, 'node_modules/zod/v4/locales') }));
  },
};

/**
 * Every `string-width` import in the bundle goes through withAsciiFastPath (ascii-string-width.ts):
 * printable ASCII is measured by its length, the rest by the package itself (`--help`: ~60 of
 * ~220 ms were string-width's per-grapheme work). The wrapper's own import resolves as usual.
 */
const asciiStringWidth = {
  name: 'ascii-string-width',
  setup(b: import('esbuild').PluginBuild) {
    b.onResolve({ filter: /^string-width$/ }, (args) =>
      (args.pluginData as { inner?: boolean } | undefined)?.inner ? undefined : { path: args.resolveDir, namespace: 'ascii-string-width' },
    );
    b.onLoad({ filter: /.*/, namespace: 'ascii-string-width' }, (args) => ({
      contents: `import stringWidth from 'string-width';\nimport { withAsciiFastPath } from ${JSON.stringify(path.join(root, 'scripts/ascii-string-width.ts'))};\nexport default withAsciiFastPath(stringWidth);\n`,
      loader: 'js',
      // the importer's folder: its own string-width (cliui and wrap-ansi may pin different versions)
      resolveDir: args.path,
      pluginData: { inner: true },
    }));
  },
};

const banner = { js: "import { createRequire as __routebenchRequire } from 'node:module'; const require = __routebenchRequire(import.meta.url);" };

const result = await build({
  entryPoints: { [ENTRY]: path.join(OUT_DIR, 'main.js') },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  outdir: OUT_DIR,
  chunkNames: `${CHUNK_PREFIX}[hash]`,
  external,
  write: !check,
  metafile: true,
  logLevel: 'warning',
  // Bundled CommonJS code (parts of yargs' dependencies) may call require().
  banner,
  plugins: [englishOnlyZod, asciiStringWidth],
});

for (const rel of WORKERS) {
  await build({
    entryPoints: [path.join('dist', `${rel}.js`)],
    outfile: path.join(OUT_DIR, `${WORKER_PREFIX}${path.basename(rel)}.js`),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    external,
    write: !check,
    logLevel: 'warning',
    banner,
    // The worker parses its scenario's text again: zod's English messages only, as in the CLI (~400 KB less to load per thread).
    plugins: [englishOnlyZod],
  });
}

const packages = new Set<string>();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m) packages.add(m[1]!);
}
const outputs = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'));
process.stderr.write(`bundle-cli: ${outputs.length} files in ${OUT_DIR}/ (entry ${ENTRY}.js); packages inside: ${[...packages].sort().join(', ')}\n`);
