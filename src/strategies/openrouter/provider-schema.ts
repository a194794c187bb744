/**
 * OpenRouter's `provider` routing object (OpenAPI `ProviderPreferences`, `additionalProperties:
 * false`), accepted verbatim: snake_case keys, `null` for "not set", prices as numbers or decimal
 * strings. Unknown keys are refused by path. See https://openrouter.ai/docs/features/provider-routing.
 *
 * It comes inline (`provider`) or from `provider_file`, a JSON or YAML file read through
 * init.readConfigFile; problems in a file are reported at `provider_file` with the file name and
 * the path inside the object, since the scenario cannot point into another file.
 */
import { z } from 'zod';
import { formatPath, knownKeysAt } from '../../scenario/format-issues.js';
import { nearest } from '../../scenario/suggest.js';
import type { PathSegment } from '../../scenario/yaml-source.js';
import type { StrategyInit } from '../strategy.js';

const slugList = z.array(z.string().min(1)).max(100);
/**
 * One of `values`, as a refined string rather than an enum: inside the `sort` union a failed enum
 * would hide the message behind "none of the accepted forms matches".
 */
const oneOf = <T extends string>(values: readonly T[]) =>
  z
    .string()
    .superRefine((v, ctx) => {
      if (values.includes(v as T)) return;
      const guess = nearest(v, values);
      ctx.addIssue({ code: 'custom', message: `"${v}" is not allowed; expected one of ${values.join(', ')}${guess ? ` (did you mean "${guess}"?)` : ''}` });
    })
    .meta({ enum: [...values] }) as unknown as z.ZodType<T>;
export type SortBy = 'price' | 'throughput' | 'latency';
const sortBy = oneOf<SortBy>(['price', 'throughput', 'latency']);
/** A USD price: OpenRouter sends numbers or decimal strings ("BigNumberUnion"). */
const usd = z.union([z.number().nonnegative(), z.string().regex(/^\d+(\.\d+)?$/, { message: 'expected a non-negative decimal number' })]);
const cutoff = z.number().nonnegative().nullish();
/** A number (= p50) or percentile cutoffs; every given cutoff must hold. */
const percentiles = (unit: string) =>
  z.union([z.number().nonnegative(), z.strictObject({ p50: cutoff, p75: cutoff, p90: cutoff, p99: cutoff })]).nullish().meta({ description: `A number (the p50 cutoff, ${unit}) or {p50, p75, p90, p99}.` });

export const QUANTIZATIONS = ['int4', 'int8', 'fp4', 'fp6', 'fp8', 'fp16', 'bf16', 'fp32', 'unknown'] as const;

export const providerSchema = z.strictObject({
  order: slugList.nullish().meta({ description: 'Provider slugs tried first, in order (turns load balancing off).' }),
  allow_fallbacks: z.boolean().nullish().meta({ description: 'false: only the listed providers (or only the primary). Default true.' }),
  only: slugList.nullish().meta({ description: 'Allowlist of provider slugs.' }),
  ignore: slugList.nullish().meta({ description: 'Provider slugs to skip.' }),
  sort: z
    .union([sortBy, z.strictObject({ by: sortBy, partition: oneOf(['model', 'none'] as const).nullish() })])
    .nullish()
    .meta({ description: 'price | throughput | latency, or {by, partition: model (default) | none}; turns load balancing off.' }),
  preferred_max_latency: percentiles('seconds to first token'),
  preferred_min_throughput: percentiles('output tokens/s'),
  max_price: z
    .strictObject({ prompt: usd.nullish(), completion: usd.nullish(), request: usd.nullish(), image: usd.nullish(), audio: usd.nullish() })
    .nullish()
    .meta({ description: 'Hard filter, USD per 1M tokens (prompt, completion) or per request/image/audio unit.' }),
  // Hosted-only filters: accepted, and every mock endpoint passes them (see openrouter.ts).
  require_parameters: z.boolean().nullish(),
  data_collection: z.enum(['allow', 'deny']).nullish(),
  zdr: z.boolean().nullish(),
  enforce_distillable_text: z.boolean().nullish(),
  quantizations: z.array(z.enum(QUANTIZATIONS)).nullish(),
});
export type ProviderObject = z.output<typeof providerSchema>;

const id = z.string().min(1);

export const openrouterOptionsSchema = z.strictObject({
  provider: providerSchema.optional().meta({ description: "OpenRouter's provider routing object, verbatim." }),
  provider_file: z.string().min(1).optional().meta({ description: 'A JSON or YAML file holding the provider object, or the request body that carries it (model, models, provider), relative to the scenario; instead of provider.' }),
  model: id.optional().meta({ description: 'The requested model (a target `model`), tried first.' }),
  models: z.array(id).min(1).max(30).optional().meta({ description: 'Model fallbacks, tried in order after `model`.' }),
  slugs: z
    .record(id, z.union([id, z.array(id).min(1)]))
    .optional()
    .meta({ description: 'Provider slug → target id(s). Given, only these targets are endpoints; default: every target, its `provider` as slug.' }),
  outage: z
    .strictObject({
      window_ms: z.number().positive().default(30_000),
      min_failures: z.number().int().min(1).default(3),
      failure_share: z.number().gt(0).max(1).default(0.5),
    })
    .prefault({})
    .meta({ description: 'A significant outage: ≥ min_failures provider-side failures in window_ms making up ≥ failure_share of its attempts.' }),
  stats_window_ms: z.number().positive().default(300_000).meta({ description: 'Rolling window for latency and throughput percentiles.' }),
});
export type OpenrouterOptions = z.output<typeof openrouterOptionsSchema>;

export type Report = (path: readonly PathSegment[], message: string) => void;

export interface ProviderSource {
  provider: ProviderObject;
  /** Records a problem at a path inside the provider object. */
  report: Report;
  /** The request's `model` and `models`, when provider_file holds a request body. */
  model?: string;
  models?: string[];
}

/**
 * A provider_file may hold the request body the app sends (`model`, `models`, `provider`, and
 * the rest of a chat request), as in https://openrouter.ai/docs/features/model-routing: routing
 * is read from `model`, `models` and `provider`; these other request fields do not route and are
 * accepted (`route: "fallback"` is the older spelling of a `models` list).
 */
const REQUEST_INERT = [
  'route', 'messages', 'prompt', 'stream', 'stream_options', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'top_k', 'top_a', 'min_p',
  'stop', 'seed', 'frequency_penalty', 'presence_penalty', 'repetition_penalty', 'logit_bias', 'logprobs', 'top_logprobs', 'response_format',
  'tools', 'tool_choice', 'parallel_tool_calls', 'reasoning', 'verbosity', 'prediction', 'transforms', 'usage', 'user', 'session_id', 'metadata', 'plugins',
];
const requestSchema = z.looseObject({ model: id.optional(), models: z.array(id).min(1).max(30).optional(), provider: z.unknown().optional() });

export function loadProvider(options: OpenrouterOptions, init: StrategyInit): ProviderSource {
  const file = options.provider_file;
  if (file === undefined) return { provider: options.provider ?? {}, report: (p, m) => init.problem(['provider', ...p], m) };
  if (options.provider !== undefined) init.problem(['provider_file'], 'give either provider or provider_file, not both');
  const raw = init.readConfigFile(file, ['provider_file']);
  const body = typeof raw === 'object' && raw !== null && !Array.isArray(raw) && ['provider', 'model', 'models'].some((k) => k in raw) ? (raw as Record<string, unknown>) : undefined;
  const inner: PathSegment[] = body ? ['provider'] : [];
  const report: Report = (p, m) => init.problem(['provider_file'], `${init.configWhere(file, [...inner, ...p])}: ${formatPath(['provider', ...p])}: ${m}`);
  if (raw === undefined) return { provider: {}, report };
  const out: ProviderSource = { provider: {}, report };
  let object: unknown = raw;
  if (body) {
    const fileProblem = (p: PathSegment[], m: string) => init.problem(['provider_file'], `${init.configWhere(file, p)}: ${formatPath(p)}: ${m}`);
    const request = requestSchema.safeParse(body);
    if (!request.success) for (const issue of request.error.issues) fileProblem(issue.path.filter((q): q is PathSegment => typeof q !== 'symbol'), issue.message);
    else {
      out.model = request.data.model;
      out.models = request.data.models;
    }
    for (const key of Object.keys(body))
      if (!['provider', 'model', 'models', ...REQUEST_INERT].includes(key)) {
        const guess = nearest(key, ['provider', 'model', 'models', ...REQUEST_INERT]);
        fileProblem([key], `unknown key "${key}" in an OpenRouter request${guess ? `; did you mean "${guess}"?` : ''}`);
      }
    for (const [k, v] of [['model', options.model], ['models', options.models]] as const)
      if (v !== undefined && body[k] !== undefined) init.problem([k], `${file} sets ${k} too: give it in one place`);
    object = body.provider ?? {};
  }
  const parsed = providerSchema.safeParse(object);
  if (parsed.success) return { ...out, provider: parsed.data };
  for (const issue of parsed.error.issues) {
    const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
    if (issue.code !== 'unrecognized_keys') {
      report(path, issue.message);
      continue;
    }
    const known = knownKeysAt(providerSchema, path);
    for (const key of issue.keys) {
      const guess = nearest(key, known);
      report([...path, key], `unknown key "${key}"${guess ? `; did you mean "${guess}"?` : ` (allowed: ${known.join(', ')})`}`);
    }
  }
  return out;
}
