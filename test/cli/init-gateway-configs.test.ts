/**
 * `routebench init` in a team's repository, from gateway configs shaped like the products' public
 * docs: every upstream of the config is its own target (two keys or two regions of one model are
 * two accounts, with their own luck), features a replay cannot reproduce are ignored by name, a
 * request-body OpenRouter file keeps its model fallbacks, and the scaffolded scenario validates and
 * runs, routing the way the config says.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { openStore } from '../../src/store/open-store.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'routebench-init-configs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function cli(...args: string[]) {
  const io = memoryIo();
  const code = await runCli(args, io);
  return { code, out: io.stdout, err: io.stderr };
}

type Scenario = { targets: Record<string, { provider: string; model: string; price?: { input: number; output: number } }>; strategies: Record<string, { use: string; options: Record<string, unknown> }> };

/** init in `dir`, then validate and run 400 requests; returns the scenario, init's output and attempts per target of `strategy`. */
async function initAndRun(dir: string, strategy: string) {
  const init = await cli('init', '--dir', dir);
  expect(init.code, init.err).toBe(0);
  const file = path.join(dir, 'scenarios', `${strategy}.yaml`);
  const validate = await cli('validate', file);
  expect([validate.code, validate.err]).toEqual([0, '']);
  const db = path.join(dir, 'results.duckdb');
  const run = await cli('run', file, '--limit', '400', '--db', db, '--out', path.join(dir, 'reports'));
  expect(run.code, run.err).toBe(0);
  const store = await openStore(db, { readOnly: true });
  try {
    const rows = await store.all<{ target: string; n: bigint | number; first: bigint | number }>(
      `SELECT target, count(*) AS n, count(*) FILTER (WHERE attempt_no = (SELECT min(attempt_no) FROM attempt_log)) AS first FROM attempt_log WHERE strategy = '${strategy}' GROUP BY target`,
    );
    const attempts = Object.fromEntries(rows.map((r) => [r.target, { n: Number(r.n), first: Number(r.first) }]));
    return { scenario: parse(readFileSync(file, 'utf8')) as Scenario, init, attempts };
  } finally {
    store.close();
  }
}

function within3Sigma(count: number, n: number, p: number, label: string) {
  const sigma = Math.sqrt(n * p * (1 - p));
  expect(Math.abs(count - n * p), `${label}: ${count} of ${n}, expected ${n * p} ± ${3 * sigma}`).toBeLessThanOrEqual(3 * sigma);
}

describe('init from a team gateway config', () => {
  it('Portkey: a loadbalance over two virtual keys is two targets, shared 3:1 as weighted', async () => {
    const dir = path.join(root, 'portkey');
    mkdirSync(dir);
    // The nested example of https://portkey.ai/docs/product/ai-gateway/load-balancing (virtual keys,
    // weights) inside a fallback (https://portkey.ai/docs/product/ai-gateway/fallbacks) with retries
    // (https://portkey.ai/docs/product/ai-gateway/automatic-retries) and a weight-0 Model Catalog slug.
    const config = {
      retry: { attempts: 2, on_status_codes: [429, 503] },
      strategy: { mode: 'fallback', on_status_codes: [429, 500, 502, 503] },
      targets: [
        {
          strategy: { mode: 'loadbalance' },
          targets: [
            { virtual_key: 'openai-virtual-key', weight: 0.75, override_params: { model: 'gpt-4o' } },
            { virtual_key: 'azure-virtual-key', weight: 0.25, override_params: { model: 'gpt-4o' } },
            { provider: '@openai-prod', weight: 0, override_params: { model: '@openai-prod/gpt-4o' } },
          ],
        },
        { provider: 'anthropic', api_key: 'sk-ant-xxx', override_params: { model: 'claude-3-5-sonnet-20241022' } },
      ],
    };
    writeFileSync(path.join(dir, 'portkey.json'), JSON.stringify(config, null, 2));
    const { scenario, init, attempts } = await initAndRun(dir, 'portkey');
    expect(Object.entries(scenario.targets).map(([id, t]) => `${id}=${t.provider}/${t.model}`)).toEqual([
      'openai-virtual-key=openai/gpt-4o',
      'azure-virtual-key=azure-openai/gpt-4o',
      'openai-prod=openai/gpt-4o',
      'anthropic-claude-3-5-sonnet-20241022=anthropic/claude-3-5-sonnet-20241022',
    ]);
    expect(scenario.strategies.portkey!.options.targets).toEqual({
      'openai-virtual-key': 'openai-virtual-key',
      'azure-virtual-key': 'azure-virtual-key',
      '@openai-prod/@openai-prod/gpt-4o': 'openai-prod',
      'anthropic/claude-3-5-sonnet-20241022': 'anthropic-claude-3-5-sonnet-20241022',
    });
    expect(scenario.targets['anthropic-claude-3-5-sonnet-20241022']!.price).toEqual({ input: 3, output: 15 });
    expect(init.out).toContain('note: Portkey target config.targets[0].targets[1] ("azure-virtual-key"): provider azure-openai, read from its virtual key');
    expect(init.out).toContain('has weight 0: loadbalance never picks it');
    const a = attempts['openai-virtual-key']!.first;
    const b = attempts['azure-virtual-key']!.first;
    within3Sigma(a, a + b, 0.75, 'openai-virtual-key');
    expect(attempts['openai-prod']).toBeUndefined();
  }, 60_000);

  it('LiteLLM: two regions of one Azure model are two targets by place; response caching is ignored by name', async () => {
    const dir = path.join(root, 'litellm');
    mkdirSync(dir);
    copyFileSync(path.resolve('test/fixtures/gateway-configs/litellm-two-regions.yaml'), path.join(dir, 'litellm_config.yaml'));
    const { scenario, init, attempts } = await initAndRun(dir, 'litellm');
    expect(Object.keys(scenario.targets)).toEqual(['azure-gpt-4o', 'azure-gpt-4o-2', 'anthropic-claude-3-5-sonnet-20241022']);
    expect(scenario.strategies.litellm!.options).toMatchObject({
      deployments: { 'model_list[0]': 'azure-gpt-4o', 'model_list[1]': 'azure-gpt-4o-2', 'anthropic/claude-3-5-sonnet-20241022': 'anthropic-claude-3-5-sonnet-20241022' },
      allow_unsupported: true,
    });
    const ignored = init.out.split('\n').filter((l) => l.startsWith('note: ignored (not reproduced): '));
    expect(ignored.map((l) => /(litellm_settings\.\w+|router_settings\.\w+):/.exec(l)?.[1])).toEqual(['litellm_settings.cache', 'litellm_settings.cache_params']);
    expect(ignored[0]).toMatch(/litellm_config\.yaml:34:10: litellm_settings\.cache: .*response caching/);
    expect(init.out).toContain('note: synthetic requests ask for model group "gpt-4o" (traffic.synthetic.route); "claude-3-5-sonnet" is reached only through fallbacks, if any');
    expect(readFileSync(path.join(dir, 'scenarios', 'litellm.yaml'), 'utf8')).toContain('    route: "gpt-4o"\n');
    // each region is its own deployment: both serve (simple-shuffle by rpm 900:300, with the flaky
    // first region cooled down 30 s after more than one failure, so its share is under 3/4)
    expect(attempts['azure-gpt-4o']!.first).toBeGreaterThan(40);
    expect(attempts['azure-gpt-4o-2']!.first).toBeGreaterThan(40);
  }, 60_000);

  it('LiteLLM: the same model, key and endpoint under two model_names (an alias group) is one upstream; a second key is another', async () => {
    const dir = path.join(root, 'litellm-alias');
    mkdirSync(dir);
    // model_list shapes from https://docs.litellm.ai/docs/proxy/configs
    const deployment = (name: string, key: string) => `  - model_name: ${name}\n    litellm_params: { model: openai/gpt-4o, api_key: os.environ/${key} }\n`;
    writeFileSync(path.join(dir, 'litellm.yaml'), `model_list:\n${deployment('gpt-4o', 'OPENAI_API_KEY')}${deployment('gpt-4o-2024-08-06', 'OPENAI_API_KEY')}${deployment('gpt-4o', 'OPENAI_API_KEY_2')}`);
    const { scenario, attempts } = await initAndRun(dir, 'litellm');
    expect(scenario.strategies.litellm!.options.deployments).toEqual({ 'model_list[0]': 'openai-gpt-4o', 'model_list[1]': 'openai-gpt-4o', 'model_list[2]': 'openai-gpt-4o-2' });
    expect(attempts['openai-gpt-4o']!.first).toBeGreaterThan(100);
    expect(attempts['openai-gpt-4o-2']!.first).toBeGreaterThan(100);
  }, 60_000);

  it('OpenRouter: a request body keeps its model and models fallbacks; ignored providers get nothing', async () => {
    const dir = path.join(root, 'openrouter');
    mkdirSync(dir);
    // Request fields from https://openrouter.ai/docs/features/model-routing (models) and
    // https://openrouter.ai/docs/features/provider-routing (order, allow_fallbacks, ignore, sort).
    const body = {
      model: 'meta-llama/llama-3.1-70b-instruct',
      models: ['anthropic/claude-3.5-sonnet'],
      provider: { order: ['together', 'deepinfra'], allow_fallbacks: false, ignore: ['azure'], data_collection: 'deny' },
      temperature: 0.2,
    };
    writeFileSync(path.join(dir, 'openrouter.json'), JSON.stringify(body, null, 2));
    const { scenario, init, attempts } = await initAndRun(dir, 'openrouter');
    expect(scenario.strategies.openrouter!.options).toEqual({
      provider_file: '../openrouter.json',
      slugs: {
        together: ['together-llama-3-1-70b-instruct', 'together-claude-3-5-sonnet'],
        deepinfra: ['deepinfra-llama-3-1-70b-instruct', 'deepinfra-claude-3-5-sonnet'],
        azure: ['azure-llama-3-1-70b-instruct', 'azure-claude-3-5-sonnet'],
      },
    });
    // the app's own fallback tries the models in the same order: each on every provider, then the next
    expect(scenario.strategies['direct-fallback']!.options.targets).toEqual(['together-llama-3-1-70b-instruct', 'deepinfra-llama-3-1-70b-instruct', 'together-claude-3-5-sonnet', 'deepinfra-claude-3-5-sonnet']);
    expect(init.out).toContain('ignored provider azure mocked too');
    // order: together first for the requested model, every time
    expect(attempts['together-llama-3-1-70b-instruct']!.first).toBeGreaterThan(0);
    expect(Object.entries(attempts).filter(([t, a]) => t !== 'together-llama-3-1-70b-instruct' && a.first > 0)).toEqual([]);
    expect(Object.keys(attempts).filter((t) => t.startsWith('azure-'))).toEqual([]);
  }, 60_000);

  it('Portkey conditional routing: synthetic requests carry the metadata its conditions test, so each branch and the default are taken', async () => {
    const dir = path.join(root, 'conditional');
    mkdirSync(dir);
    // The example of https://portkey.ai/docs/product/ai-gateway/conditional-routing
    const config = {
      strategy: {
        mode: 'conditional',
        conditions: [
          { query: { 'metadata.user_plan': { $eq: 'paid' } }, then: 'finetuned-gpt4' },
          { query: { 'metadata.user_plan': { $eq: 'free' } }, then: 'base-gpt4' },
        ],
        default: 'base-gpt4',
      },
      targets: [
        { name: 'finetuned-gpt4', virtual_key: 'openai-xx', override_params: { model: 'gpt-4o' } },
        { name: 'base-gpt4', virtual_key: 'openai-yy', override_params: { model: 'gpt-4o-mini' } },
      ],
    };
    writeFileSync(path.join(dir, 'portkey.json'), JSON.stringify(config, null, 2));
    const { scenario, init, attempts } = await initAndRun(dir, 'portkey');
    expect((scenario as unknown as { traffic: { synthetic: { tags: unknown } } }).traffic.synthetic.tags).toEqual({ user_plan: { paid: 1, free: 1, other: 1 } });
    expect(init.out).toContain('conditional routing: synthetic requests carry user_plan paid|free|other evenly');
    // paid → finetuned (1/3 of requests); free and anything else → base (2/3)
    const paid = attempts['openai-xx']!.first;
    const base = attempts['openai-yy']!.first;
    within3Sigma(paid, paid + base, 1 / 3, 'paid');
  }, 60_000);

  it('a monorepo: configs four folders deep are found, node_modules is not searched, and init says which of several it used', async () => {
    const dir = path.join(root, 'monorepo');
    const put = (rel: string, from: string) => {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      copyFileSync(path.resolve(from), path.join(dir, rel));
    };
    put('services/llm-proxy/deploy/config.yaml', 'test/fixtures/gateway-configs/litellm-two-regions.yaml');
    put('apps/web/node_modules/some-sdk/portkey.json', 'fixtures/configs/portkey-fallback-loadbalance.json');
    put('infra/gateway/portkey-prod.json', 'fixtures/configs/portkey-fallback-loadbalance.json');
    const r = await cli('init', '--dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(r.err.split('\n')[0]).toBe('found 2 gateway configs (infra/gateway/portkey-prod.json, services/llm-proxy/deploy/config.yaml); using infra/gateway/portkey-prod.json (name another with --portkey, --litellm, --openrouter)');
    expect(r.out).toContain('using your portkey config infra/gateway/portkey-prod.json');
    expect(readFileSync(path.join(dir, 'scenarios', 'portkey.yaml'), 'utf8')).toContain('config_file: "../infra/gateway/portkey-prod.json"');
  });

  it('OpenRouter: a first-party provider is not mocked serving another author\'s model', async () => {
    const dir = path.join(root, 'openrouter-authors');
    mkdirSync(dir);
    // `models` without `model`, `only`, and sort with partition none, from https://openrouter.ai/docs/features/provider-routing
    const body = { models: ['openai/gpt-4o', 'anthropic/claude-3.5-sonnet'], provider: { only: ['openai', 'anthropic', 'azure'], sort: { by: 'throughput', partition: 'none' } } };
    writeFileSync(path.join(dir, 'openrouter.json'), JSON.stringify(body));
    const { scenario, init, attempts } = await initAndRun(dir, 'openrouter');
    expect(Object.keys(scenario.targets)).toEqual(['openai-gpt-4o', 'azure-gpt-4o', 'anthropic-claude-3-5-sonnet']);
    expect(init.out).toContain('not mocked (the provider serves only its own models): openai/gpt-4o on anthropic, anthropic/claude-3.5-sonnet on openai, anthropic/claude-3.5-sonnet on azure');
    expect(Object.keys(attempts).every((t) => t in scenario.targets || t === 'null')).toBe(true);
  }, 60_000);

  it('a config with no usable target: init says the scenario does not validate yet, and why', async () => {
    const dir = path.join(root, 'empty');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'portkey.json'), JSON.stringify({ strategy: { mode: 'fallback' }, targets: [] }));
    const r = await cli('init', '--dir', dir);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/strategies\.portkey\.options\.config_file\.targets {2}.*portkey\.json:1:\d+: strategy\.mode "fallback" needs a non-empty targets list\n/);
    expect(r.err).toContain('scenarios/portkey.yaml does not validate yet (1 problem above)');
  });
});
