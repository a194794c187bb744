/**
 * Which keys of a LiteLLM config routebench reproduces, which it accepts because they cannot change
 * a one-instance replay, and which it refuses unless `allow_unsupported: true` (then ignores).
 * Key names follow LiteLLM's proxy config docs (https://docs.litellm.ai/docs/proxy/configs: routing, cooldowns, retries,
 * fallbacks, timeouts, budgets, tag routing) and LiteLLM's Router constructor.
 */

export const ROUTING_STRATEGIES = [
  'simple-shuffle',
  'least-busy',
  'usage-based-routing',
  'usage-based-routing-v2',
  'latency-based-routing',
  'cost-based-routing',
] as const;
export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number];

/** router_settings keys routebench reproduces. */
export const ROUTER_KEYS = [
  'routing_strategy', 'routing_strategy_args', 'num_retries', 'retry_after', 'retry_policy', 'model_group_retry_policy',
  'allowed_fails', 'allowed_fails_policy', 'cooldown_time', 'disable_cooldowns', 'fallbacks', 'default_fallbacks',
  'context_window_fallbacks', 'content_policy_fallbacks', 'max_fallbacks', 'timeout', 'stream_timeout',
  'default_max_parallel_requests', 'enable_pre_call_checks', 'model_group_alias',
] as const;

/**
 * Accepted and ignored: they only share state between proxy instances (one simulated router is one
 * instance), tune logging, or affect endpoints a replay never calls.
 */
export const ROUTER_INERT = [
  'redis_host', 'redis_port', 'redis_password', 'redis_url', 'redis_db', 'client_ttl', 'polling_interval', 'set_verbose',
  'debug_level', 'alerting_config', 'cache_kwargs', 'router_general_settings', 'enable_loadbalancing_on_batch_endpoints',
  'assistants_config', 'ignore_invalid_deployments',
];

/** Keys that change routing in ways routebench does not model: refused unless allow_unsupported. */
export const ROUTER_UNSUPPORTED: Record<string, string> = {
  cache_responses: 'response caching (a cache hit never reaches a provider)',
  caching_groups: 'response caching',
  enable_tag_filtering: 'tag routing (routebench tags are key=value pairs, not LiteLLM tag lists)',
  tag_filtering_match_any: 'tag routing',
  provider_budget_config: 'provider budgets',
  optional_pre_call_checks: 'optional pre-call checks (prompt-caching, responses-API affinity)',
  default_priority: 'the priority request queue',
  default_litellm_params: 'default call parameters',
};

/** litellm_settings keys that act as router settings (router_settings wins when both are set). */
export const LITELLM_ROUTER_KEYS = [
  'num_retries', 'request_timeout', 'fallbacks', 'default_fallbacks', 'context_window_fallbacks', 'content_policy_fallbacks',
  'allowed_fails', 'cooldown_time',
] as const;

/** litellm_settings is open-ended (any litellm.* attribute); these common ones sit close to router keys. */
export const LITELLM_INERT = ['callbacks', 'success_callback', 'failure_callback', 'service_callback', 'drop_params', 'set_verbose', 'json_logs'];

export const LITELLM_UNSUPPORTED: Record<string, string> = {
  cache: 'response caching (a cache hit never reaches a provider)',
  cache_params: 'response caching',
  max_budget: 'global budgets',
  max_end_user_budget: 'end-user budgets',
};

/** litellm_params routebench reads; any other key is a provider parameter and ignored. */
export const PARAM_KEYS = [
  'model', 'rpm', 'tpm', 'weight', 'order', 'max_parallel_requests', 'timeout', 'stream_timeout', 'cooldown_time',
  'input_cost_per_token', 'output_cost_per_token', 'custom_llm_provider', 'max_retries',
] as const;

/** Provider parameters close to the keys above (litellm_params is open-ended; others pass silently). */
export const PARAM_INERT = ['input_cost_per_second', 'output_cost_per_second', 'mode', 'api_key', 'api_base', 'api_version'];

export const PARAM_UNSUPPORTED: Record<string, string> = {
  mock_response: 'mock responses (the scenario mocks the providers)',
  max_budget: 'deployment budgets',
  budget_duration: 'deployment budgets',
  num_retries: 'per-deployment retry counts',
  allowed_fails: 'per-deployment allowed_fails',
  allowed_fails_policy: 'per-deployment allowed_fails_policy',
};

export const DEPLOYMENT_KEYS = ['model_name', 'litellm_params', 'model_info'];
export const TOP_KEYS = ['model_list', 'router_settings', 'litellm_settings'];
/** Proxy sections that never change routing. */
export const TOP_INERT = ['general_settings', 'environment_variables', 'callback_settings', 'credential_list', 'guardrails'];

export const RETRY_POLICY_KEYS = [
  'BadRequestErrorRetries', 'AuthenticationErrorRetries', 'TimeoutErrorRetries', 'RateLimitErrorRetries',
  'ContentPolicyViolationErrorRetries', 'InternalServerErrorRetries',
] as const;

export const ALLOWED_FAILS_POLICY_KEYS = [
  'BadRequestErrorAllowedFails', 'AuthenticationErrorAllowedFails', 'TimeoutErrorAllowedFails', 'RateLimitErrorAllowedFails',
  'ContentPolicyViolationErrorAllowedFails', 'InternalServerErrorAllowedFails', 'ServiceUnavailableErrorAllowedFails',
  'BadGatewayErrorAllowedFails', 'NotFoundErrorAllowedFails',
] as const;

/** routing_strategy_args for latency-based-routing (the only strategy routebench gives arguments). */
export const LATENCY_ARG_KEYS = ['ttl', 'lowest_latency_buffer', 'max_latency_list_size'] as const;
