/**
 * The package as a user gets it: `npm pack` (which builds through `prepack`), installed into an
 * empty project from the local npm cache (no network: the dependencies are there from `npm ci`;
 * see projectLock),
 * and every step of the README's path run there through node_modules/.bin/routebench: a helpful
 * error without scenarios, the bundled examples, init, validate, run, compare, report, serve
 * (start, one request, stop), a short load, and a typed `import … from 'routebench'` compiled
 * with tsc. Every command is checked for its exit code, and --json output for being JSON only.
 *
 * Slow (a build, an install, a dozen processes): minutes, not seconds.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = path.resolve('.');
const work = mkdtempSync(path.join(os.tmpdir(), 'routebench-pack-'));
const project = path.join(work, 'project');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// Windows runs npm.cmd only through a shell.
const shell = process.platform === 'win32';
const TIMEOUT = 15 * 60_000;

/** Runs the installed routebench in the project; never throws, returns what happened. */
function routebench(...args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [path.join(project, 'node_modules', 'routebench', 'bin', 'routebench.js'), ...args], {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CI: '' },
    timeout: 5 * 60_000,
  });
}

const show = (r: SpawnSyncReturns<string>) => `exit ${r.status}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;

type LockEntry = { dev?: boolean; link?: boolean } & Record<string, unknown>;

/**
 * The empty project's package-lock: routebench from the tarball, and its dependency tree exactly
 * as this repository's lock pins it (the entries that are not dev-only). `npm ci --offline` then
 * takes every package from the npm cache by its integrity, where `npm ci` here put them. (A plain
 * `npm install --offline <tgz>` would need the registry's package documents too, which the
 * cache does not keep after `npm ci`.)
 */
function projectLock(tarballName: string, integrity: string) {
  const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as Record<string, unknown>;
  const lock = JSON.parse(readFileSync(path.join(repo, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const spec = `file:../${tarballName}`;
  const packages: Record<string, unknown> = {
    '': { name: 'empty-project', version: '1.0.0', dependencies: { routebench: spec } },
    'node_modules/routebench': { version: pkg.version, resolved: spec, integrity, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
  };
  for (const [key, entry] of Object.entries(lock.packages)) if (key !== '' && !entry.dev && !entry.link) packages[key] = entry;
  return { name: 'empty-project', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}

/**
 * A copy of the package's sources to pack, so that `prepack` (which empties and rebuilds dist/)
 * never touches this clone's dist/ while other tests may be running its bin.
 */
function sourceCopy(): string {
  const copy = path.join(work, 'source');
  mkdirSync(copy);
  for (const entry of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'LICENSE', 'action.yml', 'bin', 'src', 'scripts', 'scenarios', 'fixtures', 'docs'])
    if (existsSync(path.join(repo, entry))) cpSync(path.join(repo, entry), path.join(copy, entry), { recursive: true });
  symlinkSync(path.join(repo, 'node_modules'), path.join(copy, 'node_modules'), 'junction');
  return copy;
}

beforeAll(() => {
  const pack = spawnSync(npm, ['pack', '--json', '--pack-destination', work], { cwd: sourceCopy(), encoding: 'utf8', timeout: TIMEOUT, shell });
  if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
  const packed = (JSON.parse(pack.stdout) as { filename: string; integrity: string }[])[0]!;
  mkdirSync(project);
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'empty-project', version: '1.0.0', private: true, type: 'module', dependencies: { routebench: `file:../${packed.filename}` } }, null, 2));
  writeFileSync(path.join(project, 'package-lock.json'), JSON.stringify(projectLock(packed.filename, packed.integrity), null, 2));
  const install = spawnSync(npm, ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: project, encoding: 'utf8', timeout: TIMEOUT, shell });
  if (install.status !== 0) throw new Error(`npm ci --offline of the tarball failed:\n${install.stderr}`);
}, TIMEOUT);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed tarball in an empty project', { timeout: TIMEOUT }, () => {
  it('ships what it needs and nothing of the repository around it', () => {
    const root = path.join(project, 'node_modules', 'routebench');
    for (const f of ['LICENSE', 'README.md', 'package.json', 'bin/routebench.js', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'dist/cli/routebench-cli.js', 'dist/cli/worker-sim-worker.js', 'scenarios/quickstart.yaml', 'scenarios/scenario.schema.json', 'fixtures/prices.yaml'])
      expect(existsSync(path.join(root, f)), f).toBe(true);
    for (const f of ['src', 'test', 'bench', 'tsconfig.json']) expect(existsSync(path.join(root, f)), f).toBe(false);
    expect(readFileSync(path.join(root, 'LICENSE'), 'utf8')).toContain('Apache License');
    // autocannon is a dependency: installed beside routebench, not only in its own dev tree
    expect(existsSync(path.join(project, 'node_modules', 'autocannon', 'package.json'))).toBe(true);
  });

  it('the installed bin starts from the bundle: validate resolves no yargs, zod or yaml module files and none of the heavy packages', () => {
    const trace = path.join(work, 'validate-modules.txt');
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(path.join(repo, 'test/helpers/trace-modules.mjs')).href, path.join(project, 'node_modules', 'routebench', 'bin', 'routebench.js'), 'validate', path.join(project, 'node_modules', 'routebench', 'scenarios', 'quickstart.yaml')], {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', ROUTEBENCH_TRACE_MODULES: trace },
    });
    expect(r.status, show(r)).toBe(0);
    const urls = readFileSync(trace, 'utf8').split('\n').filter((u) => u.startsWith('file:'));
    expect(urls.some((u) => u.endsWith('/dist/cli/routebench-cli.js'))).toBe(true);
    expect(urls.filter((u) => /\/node_modules\/(yargs|zod|yaml|@duckdb|msw|vega|@resvg|autocannon|undici)\//.test(u))).toEqual([]);
    // a few dozen chunks instead of the ~200 modules an unbundled start resolves
    expect(new Set(urls).size).toBeLessThan(60);
  });

  it('without scenarios/, run says what to do; the bundled examples are listed and run', () => {
    const bare = routebench('run');
    expect(bare.status, show(bare)).toBe(2);
    expect(bare.stderr).toContain('routebench init');
    expect(bare.stderr).toContain('--example quickstart');
    const examples = routebench('examples');
    expect(examples.status, show(examples)).toBe(0);
    expect(examples.stdout).toMatch(/^quickstart {2,}Two providers/m);
    const example = routebench('run', '--example', 'quickstart', '--limit', '300', '--db', 'results/examples.duckdb', '--json');
    expect(example.status, show(example)).toBe(0);
    expect((JSON.parse(example.stdout) as { scenarios: { scenario: string }[] }).scenarios.map((s) => s.scenario)).toEqual(['quickstart']);
  });

  it('init, validate, run (twice), compare and report', () => {
    const init = routebench('init');
    expect(init.status, show(init)).toBe(0);
    expect(readFileSync(path.join(project, 'scenarios', 'fallback.yaml'), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../node_modules/routebench/scenarios/scenario.schema.json');
    // the $schema line points at a file that exists from the scenario's folder
    expect(existsSync(path.join(project, 'scenarios', '../node_modules/routebench/scenarios/scenario.schema.json'))).toBe(true);
    expect(existsSync(path.join(project, '.github', 'workflows', 'routebench.yml'))).toBe(true);
    const validate = routebench('validate');
    expect(validate.status, show(validate)).toBe(0);
    expect(validate.stdout).toContain('ok  scenarios/fallback.yaml');
    // a on the main thread, b in two worker threads (the simulate worker's own bundle, dist/cli/worker-sim-worker.js)
    for (const [db, workers] of [['a', '1'], ['b', '2']] as const) {
      const run = routebench('run', '--limit', '500', '--db', `results/${db}.duckdb`, '--workers', workers, '--json');
      expect(run.status, show(run)).toBe(0);
      const json = JSON.parse(run.stdout) as { scenarios: { strategies: { requests: number }[] }[] };
      expect(json.scenarios[0]!.strategies.map((s) => s.requests)).toEqual([500, 500]);
    }
    const compare = routebench('compare', '--all', '--baseline-db', 'results/a.duckdb', '--candidate-db', 'results/b.duckdb', '--json');
    expect(compare.status, show(compare)).toBe(0);
    const pairs = JSON.parse(compare.stdout) as { overall: string }[];
    expect(pairs).toHaveLength(2);
    // same scenario, same seed, 1 or 2 workers: nothing differs
    for (const p of pairs) expect(p.overall).toContain('no significant difference');
    const report = routebench('report', '--db', 'results/a.duckdb', '--out', 'rendered');
    expect(report.status, show(report)).toBe(0);
    const html = readFileSync(path.join(project, report.stdout.match(/report: (\S+index\.html)/)![1]!), 'utf8');
    expect(html).toContain('vega-embed'); // the browser scripts were found in the installed tree and inlined
  });

  it('serve: starts, answers one request through the strategy, stops on SIGINT with exit 0', async () => {
    const child = spawn(process.execPath, [path.join(project, 'node_modules', 'routebench', 'bin', 'routebench.js'), 'serve', '--scenario', 'scenarios/fallback.yaml', '--strategy', 'fallback', '--port', '0'], { cwd: project, env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`serve printed no URL within 60 s:\n${out}\n${err}`)), 60_000);
        const look = () => {
          const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        };
        child.stdout.on('data', look);
        void exited.then(() => reject(new Error(`serve exited early:\n${out}\n${err}`)));
      });
      const res = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }], max_tokens: 16 }),
        signal: AbortSignal.timeout(60_000),
      });
      const body = (await res.json()) as { choices?: unknown[] };
      expect(res.status === 200 || res.status >= 400, `status ${res.status}`).toBe(true);
      expect(res.headers.get('x-routebench-attempts')).not.toBeNull();
      if (res.status === 200) expect(body.choices).toHaveLength(1);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(out).toMatch(/stopped after 1 request: /);
  });

  it('load: a short sweep, arms direct and routebench serve; --json prints JSON only, exit 0', () => {
    writeFileSync(
      path.join(project, 'load.yaml'),
      `name: load-check
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 1 } }
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, ttft_ms: { p50: 0.05, p99: 0.05 }, tokens_per_s: { p50: 1000, p99: 1000 } } }
strategies:
  s: { use: single, options: { target: a } }
load:
  arms:
    direct: { target: a }
    serve: { strategy: s }
  closed: { connections: [2], duration: 300ms, warmup: 100ms }
  open: { rates: [50], duration: 300ms, warmup: 100ms, timeout: 1s }
  overhead: { rounds: 10, warmup_rounds: 2, concurrency: [1], stream: [false] }
`,
    );
    const load = routebench('load', 'load.yaml', '--mock-port', '0', '--json', '--db', 'results/load.duckdb');
    expect(load.status, show(load)).toBe(0);
    const summary = JSON.parse(load.stdout) as { status: string; arms: { name: string; status: string }[] };
    expect(summary.status).toBe('ok');
    expect(summary.arms.map((a) => [a.name, a.status])).toEqual([
      ['direct', 'ok'],
      ['serve', 'ok'],
    ]);
  });

  it("a typed import from 'routebench' compiles with tsc (exports with types)", () => {
    writeFileSync(
      path.join(project, 'check.ts'),
      `import { loadScenario, runScenario, openStore, systemEnvironment, writeReport, ExitCode, type Scenario, type ScenarioResult } from 'routebench';
const loaded = await loadScenario('scenarios/fallback.yaml');
const name: Scenario['name'] = loaded.scenario.name;
const store = await openStore('results/api.duckdb');
const result: ScenarioResult = await runScenario(loaded, { store, env: systemEnvironment('.'), limit: 100 });
await writeReport(store, { ...result, traffic: result.trafficDescription }, 'reports');
store.close();
const code: number = ExitCode.ok;
console.log(name, result.runs.length, code);
`,
    );
    writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, typeRoots: [path.join(repo, 'node_modules', '@types')], types: ['node'] },
        files: ['check.ts'],
      }),
    );
    const tsc = spawnSync(process.execPath, [path.join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8', timeout: 5 * 60_000 });
    expect(tsc.status, show(tsc)).toBe(0);
    // and a type error is caught, so the check above can fail
    writeFileSync(path.join(project, 'bad.ts'), `import { loadScenario } from 'routebench';\nconst n: number = await loadScenario('x');\nconsole.log(n);\n`);
    writeFileSync(path.join(project, 'tsconfig.bad.json'), JSON.stringify({ extends: './tsconfig.json', files: ['bad.ts'] }));
    const bad = spawnSync(process.execPath, [path.join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.bad.json'], { cwd: project, encoding: 'utf8', timeout: 5 * 60_000 });
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toContain("bad.ts(2,7): error TS2322");
    expect(readdirSync(project)).toContain('check.ts');
  });
});
