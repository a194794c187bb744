/**
 * `routebench init` in an empty repository, with each kind of gateway config found by its usual
 * name or named on the command line: the scaffolded scenario validates and runs, its strategy is
 * the team's config, the workflow uses the action, and nothing is overwritten without --force.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'routebench-init-'));
const fixture = (name: string) => path.resolve('fixtures/configs', name);
afterAll(() => rmSync(root, { recursive: true, force: true }));

function repo(name: string): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function cli(...args: string[]) {
  const io = memoryIo();
  const code = await runCli(args, io);
  return { code, out: io.stdout, err: io.stderr };
}

/** init, then validate and a short run of the scaffolded scenario; returns the parsed scenario. */
async function scaffoldAndRun(dir: string, initArgs: string[], scenarioName: string) {
  const init = await cli('init', '--dir', dir, ...initArgs);
  expect(init.err).toBe('');
  expect(init.code).toBe(0);
  const file = path.join(dir, 'scenarios', `${scenarioName}.yaml`);
  const text = readFileSync(file, 'utf8');
  expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../node_modules/routebench/scenarios/scenario.schema.json');
  const validate = await cli('validate', file);
  expect(validate.err).toBe('');
  expect(validate.code).toBe(0);
  const run = await cli('run', file, '--limit', '400', '--db', path.join(dir, 'results.duckdb'), '--out', path.join(dir, 'reports'), '--json');
  expect(run.code, run.err).toBe(0);
  const { scenarios } = JSON.parse(run.out) as { scenarios: { scenario: string; strategies: { strategy: string; requests: number }[] }[] };
  expect(scenarios.map((s) => s.scenario)).toEqual([scenarioName]);
  for (const s of scenarios[0]!.strategies) expect(s.requests).toBe(400);
  return { scenario: parse(text) as { strategies: Record<string, { use: string; options: Record<string, unknown> }>; targets: Record<string, { provider: string; model: string }> }, out: init.out, strategies: scenarios[0]!.strategies.map((s) => s.strategy) };
}

describe('routebench init', () => {
  it('finds a Portkey config by name and replays it, every leaf mapped to a mock target', async () => {
    const dir = repo('portkey');
    mkdirSync(path.join(dir, 'config'));
    copyFileSync(fixture('portkey-fallback-loadbalance.json'), path.join(dir, 'config', 'portkey.json'));
    const { scenario, out, strategies } = await scaffoldAndRun(dir, [], 'portkey');
    expect(out).toContain('using your portkey config config/portkey.json');
    expect(strategies).toEqual(['portkey', 'direct-fallback']);
    expect(scenario.strategies.portkey!.options).toEqual({
      config_file: '../config/portkey.json',
      targets: { 'openai-gpt-4o-mini': 'openai-gpt-4o-mini', 'anthropic-claude-3-5-haiku': 'anthropic-claude-3-5-haiku', 'google-backup': 'google-gemini-2-0-flash' },
    });
    expect(scenario.targets['google-gemini-2-0-flash']).toMatchObject({ provider: 'google', model: 'gemini-2.0-flash' });
  });

  it('takes a LiteLLM config named with --litellm; one target per deployment', async () => {
    const dir = repo('litellm');
    const config = path.join(dir, 'deploy.yaml');
    copyFileSync(fixture('litellm-router.yaml'), config);
    const { scenario } = await scaffoldAndRun(dir, ['--litellm', config], 'litellm');
    expect(scenario.strategies.litellm!.use).toBe('litellm');
    expect(scenario.strategies.litellm!.options.config_file).toBe('../deploy.yaml');
    expect(scenario.strategies.litellm!.options.deployments).toEqual({
      'openai-gpt-4o-mini': 'openai-gpt-4o-mini',
      'azure-gpt-4o-mini': 'azure-gpt-4o-mini',
      'anthropic-claude-haiku': 'anthropic-claude-3-5-haiku',
      'gemini-flash': 'gemini-2-5-flash',
    });
  });

  it('takes an OpenRouter provider object named with --openrouter; its providers become targets', async () => {
    const dir = repo('openrouter');
    const config = path.join(dir, 'provider.json');
    writeFileSync(config, JSON.stringify({ order: ['openai', 'azure'], allow_fallbacks: true, sort: 'latency' }));
    const { scenario } = await scaffoldAndRun(dir, ['--openrouter', config, '--model', 'gpt-4o'], 'openrouter');
    expect(scenario.strategies.openrouter!.options).toEqual({ provider_file: '../provider.json', model: 'gpt-4o', slugs: { openai: 'openai-gpt-4o', azure: 'azure-gpt-4o' } });
    expect(Object.values(scenario.targets).map((t) => `${t.provider}/${t.model}`)).toEqual(['openai/gpt-4o', 'azure/gpt-4o']);
  });

  it('without a gateway config, scaffolds a plain fallback; traces/README and the workflow too', async () => {
    const dir = repo('plain');
    const { strategies, out } = await scaffoldAndRun(dir, [], 'fallback');
    expect(out).toContain('no gateway config found');
    expect(strategies).toEqual(['fallback', 'single']);
    expect(readFileSync(path.join(dir, 'traces', 'README.md'), 'utf8')).toContain('routebench import');
    const workflow = parse(readFileSync(path.join(dir, '.github', 'workflows', 'routebench.yml'), 'utf8')) as { jobs: Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }> };
    const step = Object.values(workflow.jobs).flatMap((j) => j.steps).find((s) => s.uses?.startsWith('routebench/routebench@'));
    expect(step?.with).toBeDefined();
  });

  it('never overwrites without --force: exit 2 naming every file, contents untouched', async () => {
    const dir = repo('exists');
    expect((await cli('init', '--dir', dir)).code).toBe(0);
    const scenario = path.join(dir, 'scenarios', 'fallback.yaml');
    writeFileSync(scenario, 'mine\n');
    const again = await cli('init', '--dir', dir);
    expect(again.code).toBe(2);
    expect(again.err).toContain('scenarios/fallback.yaml, traces/README.md, .github/workflows/routebench.yml');
    expect(again.err).toContain('--force');
    expect(readFileSync(scenario, 'utf8')).toBe('mine\n');
    const forced = await cli('init', '--dir', dir, '--force');
    expect(forced.code).toBe(0);
    expect(forced.out).toContain('overwrote  scenarios/fallback.yaml');
    expect(readFileSync(scenario, 'utf8')).toContain('name: fallback');
  });

  it('a file where a folder goes (.github), or a --dir that is a file: exit 4 naming it, nothing half-scaffolded', async () => {
    const dir = repo('in-the-way');
    writeFileSync(path.join(dir, '.github'), 'a file\n');
    const r = await cli('init', '--dir', dir);
    expect([r.code, r.err]).toEqual([4, 'error: routebench init cannot write .github/workflows/routebench.yml: .github is a file, not a folder; nothing was written\nhint: move it away, or scaffold elsewhere with --dir\n']);
    expect(readdirSync(dir)).toEqual(['.github']);
    const file = path.join(dir, '.github');
    const onFile = await cli('init', '--dir', file);
    expect(onFile.code).toBe(4);
    expect(onFile.err).toContain('hint: choose another path with --dir\n');
  });

  it('refuses a named file that is not that kind of config', async () => {
    const dir = repo('wrong');
    const config = path.join(dir, 'c.yaml');
    writeFileSync(config, 'foo: 1\n');
    const r = await cli('init', '--dir', dir, '--litellm', config);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${config}  expected a YAML object with model_list`);
  });
});
