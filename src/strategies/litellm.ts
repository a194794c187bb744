/**
 * `litellm`: the LiteLLM Router / Proxy, driven by its own config (model_list + router_settings +
 * litellm_settings, inline as `config` or the deployed YAML as `config_file`, with the files its
 * `include` list names merged in: litellm/includes.ts). Semantics follow
 * LiteLLM's routing docs (https://docs.litellm.ai/docs/routing) and its Router code; the parts
 * live in src/strategies/litellm/:
 * config*.ts + model-list.ts (reading and validation), deployments.ts (deployment → target,
 * route → group), pick.ts (routing strategies), state.ts (cooldowns, per-minute usage, latency
 * samples), rules.ts (retry and fallback rules), parallel.ts (max_parallel_requests), flow.ts.
 *
 * Options: `config` | `config_file` (exactly one); `deployments` (deployment → target id);
 * `default_group` (group for routes that name none; default the first group); `allow_unsupported`.
 *
 * Readings where LiteLLM and a replay differ (each explained where it is implemented):
 * - a route naming no group goes to `default_group` instead of LiteLLM's 400;
 * - router_settings keys that only share state between proxy instances (redis_*) or tune logging
 *   are accepted and ignored; keys whose effect is not modelled (response caching, tag routing,
 *   budgets, mock_response, ...) are problems unless `allow_unsupported: true` (then ignored);
 * - minutes for usage and failure rates are minutes of virtual time since the run started;
 * - `timeout` bounds a non-streamed attempt; a stream is bounded until its first token by
 *   `stream_timeout` (else `timeout`): LiteLLM passes them to the SDK as httpx read timeouts;
 * - max_parallel_requests waiters poll every 25 ms and give up after 3 minutes.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { displayPath } from '../scenario/config-file.js';
import { formatPath } from '../scenario/format-issues.js';
import { unknownNameMessage } from '../scenario/suggest.js';
import { isObj, type Path } from './litellm/config-read.js';
import { mergeIncludes, type ConfigSource } from './litellm/includes.js';
import { parseConfig } from './litellm/config.js';
import { GroupResolver, mapDeployments } from './litellm/deployments.js';
import { fallbackLists, RetryRules } from './litellm/rules.js';
import { Flow } from './litellm/flow.js';
import { Picker } from './litellm/pick.js';
import { DeploymentState } from './litellm/state.js';
import { defineStrategy, stop, type Router } from './strategy.js';

const inert: Router = { decide: () => stop('litellm: invalid config') };

export const litellm = defineStrategy({
  name: 'litellm',
  summary: 'LiteLLM Router from its config: routing_strategy, cooldowns, num_retries, fallbacks by error class',
  options: z.strictObject({
    config: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: 'The LiteLLM config inline: model_list, router_settings, litellm_settings (as in the proxy YAML).' }),
    config_file: z.string().min(1).optional().meta({ description: 'A LiteLLM config file (YAML or JSON), relative to the scenario file; its `include` files are merged as the proxy merges them.' }),
    deployments: z
      .record(z.string(), z.string())
      .optional()
      .meta({ description: 'Deployment (its place model_list[N], model_info.id or litellm_params.model) → scenario target id. Default: model_info.id equal to a target id, else the provider/model of litellm_params.model.' }),
    default_group: z.string().optional().meta({ description: 'Model group for requests whose route names no group (default: the first group in model_list).' }),
    allow_unsupported: z.boolean().default(false).meta({ description: 'Ignore config keys LiteLLM accepts but routebench does not reproduce (caching, tag routing, budgets) instead of refusing them.' }),
  }),
  create(options, init) {
    let problems = 0;
    if ((options.config === undefined) === (options.config_file === undefined)) {
      init.problem(options.config === undefined ? [] : ['config_file'], 'give exactly one of config (inline) or config_file');
      return inert;
    }
    const file = options.config_file;
    const option = file === undefined ? 'config' : 'config_file';
    // A problem at a place in a config file (the root's name as given, or an included file's absolute path).
    const at = (src: ConfigSource, m: string) => {
      problems++;
      if (src.key === undefined) init.problem(['config', ...src.path], m);
      else init.problem([option], `${init.configWhere(src.key, src.path)}: ${formatPath(src.path) || '(top level)'}: ${m}`);
    };
    const raw = file === undefined ? options.config : init.readConfigFile(file, ['config_file']);
    if (raw === undefined) return inert;
    let report: (path: Path, message: string) => void = (p, m) => at({ key: file, path: p }, m);
    let config = raw;
    if (isObj(raw) && raw.include !== undefined) {
      // `include`: relative to the config file, or for an inline config to the scenario file
      const io = { exists: existsSync, read: (full: string) => init.readConfigFile(full, [option]), show: displayPath };
      const merged = mergeIncludes(raw, file, file === undefined ? undefined : init.configPath(file), init.configPath('.'), io, at);
      if (merged === undefined) return inert;
      config = merged.config;
      report = (p, m) => at(merged.sourceOf(p), m);
    }
    const cfg = parseConfig(config, report, options.allow_unsupported);
    if (cfg === undefined) return inert;
    const targetOf = Int32Array.from(mapDeployments(cfg, options.deployments, init, report));
    let defaultGroup = 0;
    if (options.default_group !== undefined) {
      defaultGroup = cfg.groups.indexOf(options.default_group);
      if (defaultGroup < 0) init.problem(['default_group'], unknownNameMessage('model group', options.default_group, cfg.groups));
    }
    if (problems > 0 || defaultGroup < 0 || targetOf.some((t) => t < 0)) return inert;

    const groupOf = Int32Array.from(cfg.deployments, (d) => cfg.groups.indexOf(d.group));
    const members = cfg.groups.map((_, g) => Int32Array.from(cfg.deployments.keys()).filter((i) => groupOf[i] === g));
    const state = new DeploymentState(cfg, groupOf, members);
    const picker = new Picker(cfg, cfg.deployments, targetOf, init.targets, members, state, init.rng);
    const defaultDep = Int32Array.from(init.targets, (t) => targetOf.indexOf(t.index));
    const resolver = new GroupResolver(cfg.groups, cfg.aliases, defaultGroup);
    const flow = new Flow(
      { cfg, deps: cfg.deployments, targetOf, members, picker, state, rules: new RetryRules(cfg, init.rng), lists: fallbackLists(cfg) },
      init.slot(),
      (route) => resolver.groupOf(route),
      defaultDep,
    );
    return { decide: (ctx) => flow.decide(ctx), observe: (a, now) => flow.observe(a, now) };
  },
});
