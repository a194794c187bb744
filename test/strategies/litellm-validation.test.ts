import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseList, dep, expectProblem, problemsOf } from './litellm-helpers.js';

const P = 'strategies.s.options';
const withRouter = (router_settings: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ config: { model_list: baseList(), router_settings, ...extra } });

describe('litellm: config validation (located problems)', () => {
  it('a valid config has no problems', () => {
    expect(problemsOf(withRouter({ routing_strategy: 'latency-based-routing', fallbacks: [{ 'gpt-4o-mini': ['claude'] }], num_retries: 3 }))).toEqual([]);
  });

  it('unknown routing_strategy, with did-you-mean', () => {
    expect(problemsOf(withRouter({ routing_strategy: 'least_busy' }))).toEqual([
      `${P}.config.router_settings.routing_strategy: unknown routing_strategy "least_busy"; did you mean "least-busy"? (known: simple-shuffle, least-busy, usage-based-routing, usage-based-routing-v2, latency-based-routing, cost-based-routing)`,
    ]);
  });

  it('a routing_strategy missing its suffix is suggested the full name', () => {
    expectProblem(withRouter({ routing_strategy: 'latency-based' }), /unknown routing_strategy "latency-based"; did you mean "latency-based-routing"\?/);
  });

  it('a fallback to an undefined group, and fallbacks for an undefined group', () => {
    expect(problemsOf(withRouter({ fallbacks: [{ 'gpt-4o-mini': ['claud'] }, { gpt4: ['claude'] }] }))).toEqual([
      `${P}.config.router_settings.fallbacks[0].gpt-4o-mini[0]: fallback names model group "claud", which no model_list entry defines; did you mean "claude"? (known: gpt-4o-mini, claude, big)`,
      `${P}.config.router_settings.fallbacks[1].gpt4: fallbacks entry names model group "gpt4", which no model_list entry defines (known: gpt-4o-mini, claude, big)`,
    ]);
    expectProblem(withRouter({ context_window_fallbacks: [{ claude: ['huge'] }] }), /context_window_fallbacks\[0\]\.claude\[0\]: fallback names model group "huge"/);
    expectProblem(withRouter({ default_fallbacks: ['nope'] }), /router_settings\.default_fallbacks\[0\]: fallback names model group "nope"/);
  });

  it('LiteLLM reads only the first group of a fallbacks entry: the others are flagged', () => {
    expectProblem(withRouter({ fallbacks: [{ 'gpt-4o-mini': ['claude'], claude: ['big'] }] }), /fallbacks\[0\]\.claude: LiteLLM reads only the first group of each fallbacks entry \("gpt-4o-mini"\)/);
  });

  it('a deployment matching no scenario target, or several', () => {
    expect(problemsOf({ config: { model_list: [dep('g', 'openai/gpt-5')] } })).toEqual([
      `${P}.config.model_list[0].litellm_params.model: deployment (openai/gpt-5) matches no scenario target (by model_info.id, or provider and model) (known: openai/gpt-4o-mini, azure/gpt-4o-mini, anthropic/claude-3-5-haiku, google/gemini-2.5-flash); map it with the strategy option deployments: { "openai/gpt-5": <target id> }`,
    ]);
    expectProblem({ config: { model_list: [dep('g', 'gpt-4o-mini', {}, 'x1')] } }, /model_list\[0\]\.litellm_params\.model: deployment "x1" \(gpt-4o-mini\) matches several scenario targets \(oa, az\)/);
    expectProblem({ config: { model_list: baseList() }, deployments: { nope: 'oa' } }, /options\.deployments\.nope: "nope" is neither a deployment.s place \(model_list\[0\]\), model_info\.id nor litellm_params\.model/);
    expectProblem({ config: { model_list: baseList() }, deployments: { 'openai/gpt-4o-mini': 'oaa' } }, /options\.deployments\.openai\/gpt-4o-mini: unknown target "oaa"; did you mean "oa"\?/);
  });

  it('unknown keys in router_settings, deployments and the config itself', () => {
    expectProblem(withRouter({ num_retires: 3 }), /router_settings\.num_retires: unknown router_settings key "num_retires"; did you mean "num_retries"\?/);
    expectProblem({ config: { model_list: [{ ...dep('g', 'openai/gpt-4o-mini'), modelname: 'x' }] } }, /model_list\[0\]\.modelname: unknown deployment key "modelname"/);
    expectProblem({ config: { model_list: baseList(), routersettings: {} } }, /config\.routersettings: unknown config key "routersettings"; did you mean "router_settings"\?/);
    expectProblem(withRouter({ routing_strategy: 'latency-based-routing', routing_strategy_args: { buffer: 0.2 } }), /routing_strategy_args\.buffer: unknown routing_strategy_args key "buffer"/);
  });

  it('a feature LiteLLM accepts but routebench does not reproduce, switched off (false), is no problem', () => {
    expect(problemsOf({ ...withRouter({ enable_tag_filtering: false }), config: { model_list: baseList(), router_settings: { enable_tag_filtering: false }, litellm_settings: { cache: false } } })).toEqual([]);
    expectProblem(withRouter({ enable_tag_filtering: true }), /enable_tag_filtering: LiteLLM accepts router_settings\.enable_tag_filtering, but routebench does not reproduce tag routing/);
  });

  it('litellm_params.max_retries (SDK retries inside one call, common in deployed configs) is refused, and ignored with allow_unsupported', () => {
    const config = { model_list: [dep('g', 'openai/gpt-4o-mini', { max_retries: 2 }), ...baseList().slice(1)] };
    expectProblem({ config }, /litellm_params\.max_retries: max_retries > 0 retries inside one deployment call .*set the strategy option allow_unsupported: true to ignore it/);
    expect(problemsOf({ config, allow_unsupported: true })).toEqual([]);
  });

  it('a number given as os.environ/NAME is read from the environment, as the proxy does; unset, it is a located problem', () => {
    const name = 'ROUTEBENCH_TEST_LITELLM_RPM';
    const config = { model_list: [dep('g', 'openai/gpt-4o-mini', { rpm: `os.environ/${name}` }), ...baseList().slice(1)] };
    delete process.env[name];
    expectProblem({ config }, new RegExp(`litellm_params\\.rpm: rpm is os\\.environ/${name}, and ${name} is not set here: set ${name} where routebench runs, as the proxy has it`));
    process.env[name] = '600';
    try {
      expect(problemsOf({ config })).toEqual([]);
    } finally {
      delete process.env[name];
    }
  });

  it('a router_settings key from a newer LiteLLM (no near known key) can be ignored with allow_unsupported; a likely typo cannot', () => {
    expectProblem(withRouter({ enable_health_check_routing: true }), /router_settings\.enable_health_check_routing: unknown router_settings key "enable_health_check_routing": routebench does not know what it does \(a newer LiteLLM setting\?\); check it, or set the strategy option allow_unsupported: true to ignore it/);
    expect(problemsOf({ ...withRouter({ enable_health_check_routing: true }), allow_unsupported: true })).toEqual([]);
    expectProblem({ ...withRouter({ num_retires: 3 }), allow_unsupported: true }, /did you mean "num_retries"/);
  });

  it('litellm_settings and litellm_params accept module and provider settings, but flag likely typos', () => {
    expect(problemsOf({ config: { model_list: [dep('g', 'openai/gpt-4o-mini', { api_key: 'os.environ/KEY', temperature: 0.2, max_tokens: 100, input_cost_per_second: 0.0001, mode: 'chat' })], litellm_settings: { drop_params: true, callbacks: ['otel'], success_callback: ['langfuse'], num_retries: 1 } } })).toEqual([]);
    expectProblem({ config: { model_list: baseList(), litellm_settings: { num_retires: 1 } } }, /litellm_settings\.num_retires: unknown litellm_settings key "num_retires"; did you mean "num_retries"\?/);
    expectProblem({ config: { model_list: [dep('g', 'openai/gpt-4o-mini', { wieght: 2 })] } }, /litellm_params\.wieght: unknown litellm_params key "wieght"; did you mean "weight"\?/);
  });

  it('keys LiteLLM accepts but routebench does not reproduce are refused unless allow_unsupported', () => {
    const config = { model_list: [dep('g', 'openai/gpt-4o-mini', { mock_response: 'hi' })], router_settings: { cache_responses: true, enable_tag_filtering: true }, litellm_settings: { cache: true } };
    const problems = problemsOf({ config });
    expect(problems).toHaveLength(4);
    expect(problems).toContain(
      `${P}.config.router_settings.cache_responses: LiteLLM accepts router_settings.cache_responses, but routebench does not reproduce response caching (a cache hit never reaches a provider); remove it, or set the strategy option allow_unsupported: true to ignore it`,
    );
    expect(problems.join('\n')).toMatch(/litellm_settings\.cache: .*response caching/);
    expect(problems.join('\n')).toMatch(/litellm_params\.mock_response: .*mock responses/);
    expect(problemsOf({ config, allow_unsupported: true })).toEqual([]);
  });

  it('keys that cannot change a one-instance replay (Redis, logging) are accepted', () => {
    expect(problemsOf(withRouter({ redis_host: 'redis', redis_port: 6379, redis_password: 'x', set_verbose: true }, { general_settings: { master_key: 'sk-1' } }))).toEqual([]);
  });

  it('bad values, an empty model_list, exactly one of config / config_file, default_group', () => {
    expectProblem(withRouter({ num_retries: -1 }), /router_settings\.num_retries: num_retries must be ≥ 0/);
    expectProblem(withRouter({ cooldown_time: '30s' }), /router_settings\.cooldown_time: cooldown_time \(seconds\) must be a number/);
    expectProblem({ config: { model_list: [] } }, /config\.model_list: model_list must be a non-empty list/);
    expectProblem({}, /give exactly one of config \(inline\) or config_file/);
    expectProblem({ config: { model_list: baseList() }, default_group: 'claud' }, /options\.default_group: unknown model group "claud"; did you mean "claude"\?/);
    expectProblem({ config: { model_list: [dep('g', 'openai/gpt-4o-mini', {}, 'x'), dep('g', 'azure/gpt-4o-mini', {}, 'x')] } }, /model_list\[1\]\.model_info\.id: model_info\.id "x" is also used by model_list\[0\]/);
  });

  it('config_file: problems name the file and the path inside it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'litellm-'));
    const file = path.join(dir, 'litellm.yaml');
    writeFileSync(file, 'model_list:\n  - model_name: g\n    litellm_params: { model: openai/gpt-4o-mini }\nrouter_settings:\n  routing_strategy: simple_shuffle\n');
    expect(problemsOf({ config_file: file })).toEqual([
      `${P}.config_file: ${file}:5:21: router_settings.routing_strategy: unknown routing_strategy "simple_shuffle"; did you mean "simple-shuffle"? (known: simple-shuffle, least-busy, usage-based-routing, usage-based-routing-v2, latency-based-routing, cost-based-routing)`,
    ]);
    expectProblem({ config_file: path.join(dir, 'missing.yaml') }, /config_file: cannot read .*missing\.yaml/);
  });
});
