/**
 * A strict zod schema of a Portkey gateway config (gateways.md §2.2, "Config shape"): a config is a
 * recursive *target*. The OSS validator (`requestValidator/schema/config.ts`) is lenient (plain
 * z.object, unknown keys dropped); this one rejects unknown keys so a typo is reported by path
 * instead of silently changing routing. Keys the OSS gateway reads but routebench does not model
 * (credentials, hosts, vendor fields) are accepted and ignored; hosted-only keys are accepted here
 * and refused later with a clear message (see features.ts).
 */
import { z } from 'zod';

/** An HTTP status code, as in `on_status_codes`. */
const statusCode = z.number().int().min(100, { message: 'an HTTP status code (100–599)' }).max(599, { message: 'an HTTP status code (100–599)' });
const statusCodes = z.array(statusCode);
/** Values we accept but never read: their shape is the product's business. */
const opaque = z.unknown();
const opaqueList = z.array(z.unknown());

export const STRATEGY_MODES = ['single', 'loadbalance', 'fallback', 'conditional'] as const;
export type StrategyMode = (typeof STRATEGY_MODES)[number];

const conditionSchema = z.strictObject({
  query: z.record(z.string(), z.unknown()).meta({ description: 'Query over metadata.<k>, params.<k>, url.pathname.' }),
  then: z.string().min(1).meta({ description: 'The `name` of the target to use when the query matches.' }),
});

const strategySchema = z.strictObject({
  /** Checked in validate-tree.ts so an unknown mode gets a did-you-mean and the OSS list. */
  mode: z.string(),
  on_status_codes: statusCodes.optional(),
  conditions: z.array(conditionSchema).optional(),
  default: z.string().min(1).optional(),
  /** Hosted-only (docs; branch 2.0.0): circuit breaker and sticky load balancing. */
  cb_config: opaque.optional(),
  sticky: opaque.optional(),
});

const retrySchema = z.strictObject({
  attempts: z.number().int().min(0, { message: 'retry.attempts counts extra tries: 0 or more' }),
  on_status_codes: statusCodes.optional(),
  /** OSS spelling (handlerUtils reads `useRetryAfterHeader`). */
  use_retry_after_header: z.boolean().optional(),
  /** The hosted docs' spelling; the OSS gateway ignores it (refused in features.ts). */
  use_retry_after_headers: z.boolean().optional(),
});

const cacheSchema = z.strictObject({
  mode: z.enum(['simple', 'semantic']),
  max_age: z.number().positive().optional(),
});


export const portkeyTargetSchema = z.strictObject({
  strategy: strategySchema.optional(),
  get targets(): z.ZodOptional<z.ZodArray<typeof portkeyTargetSchema>> {
    return z.array(portkeyTargetSchema).optional();
  },
  name: z.string().min(1).optional(),
  weight: z.number().min(0, { message: 'weights must be ≥ 0 (0 = never picked)' }).optional(),
  provider: z.string().min(1).optional(),
  api_key: z.string().optional(),
  /** Hosted: a stored provider key. Read here only as a name to map to a scenario target. */
  virtual_key: z.string().min(1).optional(),
  custom_host: z.string().optional(),
  forward_headers: z.array(z.string()).optional(),
  override_params: z.record(z.string(), z.unknown()).optional(),
  request_timeout: z.number().nonnegative({ message: 'request_timeout is in ms: 0 or more' }).optional(),
  retry: retrySchema.optional(),
  cache: cacheSchema.optional(),
  strict_open_ai_compliance: z.boolean().optional(),
  before_request_hooks: opaqueList.optional(),
  after_request_hooks: opaqueList.optional(),
  input_guardrails: opaqueList.optional(),
  output_guardrails: opaqueList.optional(),
  input_mutators: opaqueList.optional(),
  output_mutators: opaqueList.optional(),
  /** Hosted-only (docs): refused in features.ts. */
  default_params: opaque.optional(),
  drop_params: opaque.optional(),
  passthrough: opaque.optional(),
  // vendor credential and routing fields the gateway passes to providers; routing ignores them
  aws_access_key_id: z.string().optional(),
  aws_secret_access_key: z.string().optional(),
  aws_session_token: z.string().optional(),
  aws_region: z.string().optional(),
  aws_role_arn: z.string().optional(),
  aws_auth_type: z.string().optional(),
  aws_external_id: z.string().optional(),
  vertex_project_id: z.string().optional(),
  vertex_region: z.string().optional(),
  vertex_service_account_json: z.record(z.string(), z.unknown()).optional(),
  azure_resource_name: z.string().optional(),
  azure_deployment_id: z.string().optional(),
  azure_api_version: z.string().optional(),
  azure_model_name: z.string().optional(),
  azure_auth_mode: z.string().optional(),
  openai_project: z.string().optional(),
  openai_organization: z.string().optional(),
  anthropic_beta: z.string().optional(),
  anthropic_version: z.string().optional(),
});

export type PortkeyTarget = z.output<typeof portkeyTargetSchema>;
export type PortkeyRetry = z.output<typeof retrySchema>;
export type PortkeyCondition = z.output<typeof conditionSchema>;
