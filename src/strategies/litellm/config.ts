/**
 * Parses a LiteLLM proxy config (`model_list`, `router_settings`, `litellm_settings`) into the
 * numbers the `litellm` strategy runs on, with LiteLLM's defaults (gateways.md §2.3): simple-shuffle,
 * num_retries 2, retry_after 0, allowed_fails 3, cooldown_time 5 s, max_fallbacks 5, latency ttl
 * 3600 s / buffer 0 / 10 samples. Times become milliseconds.
 */
import { unknownNameMessage } from '../../scenario/suggest.js';
import * as K from './config-keys.js';
import { ConfigReader, isObj, type FallbackTable, type Path, type Report } from './config-read.js';
import { readModelList, type DeploymentSpec } from './model-list.js';

export type { DeploymentSpec } from './model-list.js';

export type Policy = Readonly<Record<string, number>>;

export interface LiteConfig {
  readonly deployments: readonly DeploymentSpec[];
  readonly groups: readonly string[];
  readonly strategy: K.RoutingStrategy;
  readonly latency: { readonly ttlMs: number; readonly buffer: number; readonly maxSamples: number };
  readonly numRetries: number;
  readonly retryAfterMs: number;
  readonly retryPolicy: Policy | undefined;
  readonly groupRetryPolicy: ReadonlyMap<string, Policy>;
  /** allowed_fails / allowed_fails_policy customised: the legacy per-deployment counter rule. */
  readonly legacyCooldown: boolean;
  readonly allowedFails: number;
  readonly allowedFailsPolicy: Policy | undefined;
  readonly cooldownMs: number;
  readonly disableCooldowns: boolean;
  readonly fallbacks: FallbackTable | undefined;
  readonly contextWindowFallbacks: FallbackTable | undefined;
  readonly contentPolicyFallbacks: FallbackTable | undefined;
  readonly maxFallbacks: number;
  readonly timeoutMs: number | undefined;
  readonly streamTimeoutMs: number | undefined;
  readonly defaultMaxParallel: number | undefined;
  readonly preCallChecks: boolean;
  readonly aliases: ReadonlyMap<string, string>;
}

const DEFAULT_ALLOWED_FAILS = 3;
const DEFAULT_COOLDOWN_S = 5;

export function parseConfig(raw: unknown, report: Report, allowUnsupported: boolean): LiteConfig | undefined {
  const r = new ConfigReader(report, allowUnsupported);
  if (!isObj(raw)) {
    report([], 'a LiteLLM config must be a mapping with model_list (and optionally router_settings, litellm_settings)');
    return undefined;
  }
  r.keys(raw, [], 'config', K.TOP_KEYS, K.TOP_INERT, {});
  const deployments = readModelList(r, raw.model_list);
  const groups = [...new Set(deployments.map((d) => d.group))];
  const rs = r.obj(raw.router_settings, ['router_settings'], 'router_settings') ?? {};
  const ls = r.obj(raw.litellm_settings, ['litellm_settings'], 'litellm_settings') ?? {};
  r.keys(rs, ['router_settings'], 'router_settings', K.ROUTER_KEYS, K.ROUTER_INERT, K.ROUTER_UNSUPPORTED);
  r.keys(ls, ['litellm_settings'], 'litellm_settings', K.LITELLM_ROUTER_KEYS, K.LITELLM_INERT, K.LITELLM_UNSUPPORTED, true);
  /** router_settings wins; litellm_settings sets the litellm.* module defaults the Router falls back to. */
  const pick = (key: string): [unknown, Path] => (rs[key] !== undefined ? [rs[key], ['router_settings', key]] : [ls[key], ['litellm_settings', key]]);
  const at = (key: string): Path => ['router_settings', key];

  let strategy: K.RoutingStrategy = 'simple-shuffle';
  const rsName = r.str(rs.routing_strategy, at('routing_strategy'), 'routing_strategy');
  if (rsName !== undefined) {
    if ((K.ROUTING_STRATEGIES as readonly string[]).includes(rsName)) strategy = rsName as K.RoutingStrategy;
    else {
      let msg = unknownNameMessage('routing_strategy', rsName, K.ROUTING_STRATEGIES);
      const prefix = K.ROUTING_STRATEGIES.find((n) => n.startsWith(rsName));
      if (prefix && !msg.includes('did you mean')) msg = msg.replace(/^(unknown routing_strategy "[^"]*")/, `$1; did you mean "${prefix}"?`);
      report(at('routing_strategy'), msg);
    }
  }
  const args = r.obj(rs.routing_strategy_args, at('routing_strategy_args'), 'routing_strategy_args') ?? {};
  r.keys(args, at('routing_strategy_args'), 'routing_strategy_args', K.LATENCY_ARG_KEYS, [], {});
  const argAt = (k: string): Path => [...at('routing_strategy_args'), k];
  const latency = {
    ttlMs: r.seconds(args.ttl, argAt('ttl'), 'ttl', { positive: true }) ?? 3_600_000,
    buffer: r.num(args.lowest_latency_buffer, argAt('lowest_latency_buffer'), 'lowest_latency_buffer', { min: 0 }) ?? 0,
    maxSamples: r.num(args.max_latency_list_size, argAt('max_latency_list_size'), 'max_latency_list_size', { int: true, positive: true }) ?? 10,
  };

  const groupPolicies = new Map<string, Policy>();
  const gp = r.obj(rs.model_group_retry_policy, at('model_group_retry_policy'), 'model_group_retry_policy') ?? {};
  for (const [g, v] of Object.entries(gp)) {
    r.refs.push({ name: g, path: [...at('model_group_retry_policy'), g], what: 'model_group_retry_policy entry' });
    const p = r.policy(v, [...at('model_group_retry_policy'), g], `model_group_retry_policy.${g}`, K.RETRY_POLICY_KEYS);
    if (p) groupPolicies.set(g, p);
  }
  const allowedFailsPolicy = r.policy(rs.allowed_fails_policy, at('allowed_fails_policy'), 'allowed_fails_policy', K.ALLOWED_FAILS_POLICY_KEYS);
  const routerAllowed = r.num(rs.allowed_fails, at('allowed_fails'), 'allowed_fails', { min: 0, int: true });
  // litellm_settings.allowed_fails sets litellm.allowed_fails, the very default the Router compares
  // with (_is_allowed_fails_set_on_router), so only router_settings.allowed_fails selects the legacy rule.
  const moduleAllowed = r.num(ls.allowed_fails, ['litellm_settings', 'allowed_fails'], 'allowed_fails', { min: 0, int: true }) ?? DEFAULT_ALLOWED_FAILS;
  const [cdV, cdP] = pick('cooldown_time');
  const [nrV, nrP] = pick('num_retries');
  const [toV, toP] = rs.timeout !== undefined ? [rs.timeout, at('timeout')] : [ls.request_timeout, ['litellm_settings', 'request_timeout'] as Path];

  const fb = r.fallbacks(...pick('fallbacks'), 'fallbacks');
  const [dfV, dfP] = pick('default_fallbacks');
  let fallbacks = fb;
  if (dfV !== undefined && dfV !== null) {
    const list = r.groupList(dfV, dfP, 'default_fallbacks');
    // Router.__init__ appends {"*": default_fallbacks} to fallbacks.
    if (list) fallbacks = { exact: fb?.exact ?? new Map(), star: list };
  }
  const aliases = new Map<string, string>();
  const ga = r.obj(rs.model_group_alias, at('model_group_alias'), 'model_group_alias') ?? {};
  for (const [alias, v] of Object.entries(ga)) {
    const p: Path = [...at('model_group_alias'), alias];
    const target = isObj(v) ? r.str(v.model, [...p, 'model'], 'model_group_alias model') : r.str(v, p, 'model_group_alias');
    if (target === undefined) continue;
    r.refs.push({ name: target, path: isObj(v) ? [...p, 'model'] : p, what: 'model_group_alias' });
    aliases.set(alias, target);
  }

  const config: LiteConfig = {
    deployments,
    groups,
    strategy,
    latency,
    numRetries: r.num(nrV, nrP, 'num_retries', { min: 0, int: true }) ?? 2,
    retryAfterMs: r.seconds(rs.retry_after, at('retry_after'), 'retry_after') ?? 0,
    retryPolicy: r.policy(rs.retry_policy, at('retry_policy'), 'retry_policy', K.RETRY_POLICY_KEYS),
    groupRetryPolicy: groupPolicies,
    legacyCooldown: allowedFailsPolicy !== undefined || (routerAllowed !== undefined && routerAllowed !== moduleAllowed),
    allowedFails: routerAllowed ?? moduleAllowed,
    allowedFailsPolicy,
    // `cooldown_time or DEFAULT_COOLDOWN_TIME_SECONDS`: 0 at router level means the 5 s default.
    cooldownMs: (r.num(cdV, cdP, 'cooldown_time (seconds)', { min: 0 }) || DEFAULT_COOLDOWN_S) * 1000,
    disableCooldowns: r.bool(rs.disable_cooldowns, at('disable_cooldowns'), 'disable_cooldowns') ?? false,
    fallbacks,
    contextWindowFallbacks: r.fallbacks(...pick('context_window_fallbacks'), 'context_window_fallbacks'),
    contentPolicyFallbacks: r.fallbacks(...pick('content_policy_fallbacks'), 'content_policy_fallbacks'),
    maxFallbacks: r.num(rs.max_fallbacks, at('max_fallbacks'), 'max_fallbacks', { min: 0, int: true }) ?? 5,
    timeoutMs: r.seconds(toV, toP, 'timeout', { positive: true }),
    streamTimeoutMs: r.seconds(rs.stream_timeout, at('stream_timeout'), 'stream_timeout', { positive: true }),
    defaultMaxParallel: r.num(rs.default_max_parallel_requests, at('default_max_parallel_requests'), 'default_max_parallel_requests', { int: true, positive: true }),
    preCallChecks: r.bool(rs.enable_pre_call_checks, at('enable_pre_call_checks'), 'enable_pre_call_checks') ?? false,
    aliases,
  };
  for (const ref of r.refs)
    if (!groups.includes(ref.name)) report(ref.path, `${ref.what} names model group "${ref.name}", which no model_list entry defines${suggest(ref.name, groups)}`);
  return deployments.length > 0 ? config : undefined;
}

function suggest(name: string, groups: readonly string[]): string {
  return unknownNameMessage('group', name, groups).replace(/^unknown group "[^"]*"/, '');
}
