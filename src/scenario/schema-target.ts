/** Scenario schema: `targets` (provider × model endpoints) and their mock behaviour. */
import { z } from 'zod';
import { DIALECTS, ERROR_KINDS } from '../providers/canonical.js';
import { positiveDurationSchema } from './duration.js';

const positive = z.number().positive({ message: 'must be greater than zero' });
const fraction = z.number().min(0, { message: 'must be between 0 and 1' }).max(1, { message: 'must be between 0 and 1' });

const latencyQuantiles = z
  .strictObject({ p50: positive, p99: positive })
  .refine((q) => q.p50 <= q.p99, { message: 'p50 must not exceed p99', path: ['p50'] });

/** An empirical distribution: values at evenly spaced levels, non-decreasing. */
const quantileTable = z
  .array(positive)
  .min(3)
  .refine((q) => q.every((v, i) => i === 0 || v >= q[i - 1]!), { message: 'quantiles must not decrease' });

const tokensPerS = z
  .strictObject({ p50: positive, p99: positive })
  .refine((q) => q.p99 <= q.p50, {
    message: 'p99 is the slow tail (99% of responses stream faster than it) and must not exceed p50',
    path: ['p99'],
  });

/** Provider-side error kinds a mock can inject (gateway_* kinds come from strategies and gateway incidents). */
export const MOCK_ERROR_KINDS = ERROR_KINDS.filter((k) => k !== 'gateway_blocked' && k !== 'gateway_error');

export const errorMixSchema = z
  .partialRecord(z.enum(MOCK_ERROR_KINDS), fraction)
  .refine((mix) => Object.values(mix).reduce<number>((a, b) => a + (b ?? 0), 0) <= 1 + 1e-9, {
    message: 'error probabilities must sum to at most 1',
  })
  .meta({ description: 'Per-attempt probability of each error kind, e.g. { server_error: 0.01, rate_limited: 0.005 }.' });

export const priceSchema = z.strictObject({
  input: z.number().nonnegative().meta({ description: 'USD per 1M input tokens.' }),
  output: z.number().nonnegative().meta({ description: 'USD per 1M output tokens.' }),
  cached_input: z.number().nonnegative().optional().meta({ description: 'USD per 1M cached input tokens (default: input).' }),
  source: z.string().optional(),
  as_of: z.string().optional(),
});

/**
 * One model's own behaviour on a target that serves several (`mock.models.<model>`): for requests
 * that ask for that model, these fields replace the target's. Capacity (rate limits, concurrency)
 * and retry-after stay the target's: its models share one upstream.
 */
const modelMockSchema = z.strictObject({
  ttft_ms: latencyQuantiles.optional().meta({ description: "This model's TTFT (before prefill), lognormal p50/p99." }),
  ttft_quantiles_ms: quantileTable.optional().meta({ description: "Instead of ttft_ms: this model's TTFT at evenly spaced levels." }),
  tokens_per_s: tokensPerS.optional().meta({ description: "This model's output tokens per second; p99 is the slow tail." }),
  tokens_per_s_quantiles: quantileTable.optional().meta({ description: "Instead of tokens_per_s: this model's rate at evenly spaced levels." }),
  prefill_tokens_per_s: positive.optional().meta({ description: "This model's input tokens per second of prefill." }),
  errors: errorMixSchema.optional(),
  error_latency_ms: latencyQuantiles.optional().meta({ description: "How long this model's error responses take." }),
  in_band_error_share: fraction.optional(),
  price: z
    .union([z.string().min(1), priceSchema])
    .optional()
    .meta({ description: "This model's price: a key of the price table or {input, output, cached_input} USD per 1M tokens (default: the model name in the price table; unknown there, the target's price)." }),
});

/** Mock behaviour: every field overrides the named profile's value. */
export const mockSchema = z.strictObject({
  profile: z.string().default('typical').meta({ description: 'Named behaviour profile: see `routebench list profiles`.' }),
  ttft_ms: latencyQuantiles.optional().meta({ description: 'Time to first token (before prefill), lognormal p50/p99.' }),
  tokens_per_s: tokensPerS
    .optional()
    .meta({ description: 'Output tokens per second; p99 is the slow tail and must be ≤ p50.' }),
  ttft_quantiles_ms: quantileTable
    .optional()
    .meta({ description: 'Instead of the lognormal ttft_ms: TTFT at evenly spaced levels (the i-th of n at (i+1)/(n+1)), e.g. as `routebench calibrate` writes it where a lognormal does not fit.' }),
  tokens_per_s_quantiles: quantileTable
    .optional()
    .meta({ description: 'Instead of the lognormal tokens_per_s: the rate at evenly spaced levels, increasing.' }),
  prefill_tokens_per_s: positive.optional().meta({ description: 'Input tokens processed per second before the first token.' }),
  errors: errorMixSchema.optional(),
  error_latency_ms: latencyQuantiles.optional().meta({ description: 'How long an error response takes to arrive.' }),
  retry_after_ms: z
    .strictObject({ min: z.number().nonnegative(), max: z.number().nonnegative() })
    .refine((r) => r.min <= r.max, { message: 'min must not exceed max', path: ['min'] })
    .optional()
    .meta({ description: 'retry-after sent with 429/529 errors, uniform in [min, max].' }),
  retry_after_share: fraction.optional().meta({ description: 'Share of 429/529 responses that carry retry-after at all.' }),
  in_band_error_share: fraction
    .optional()
    .meta({ description: 'Share of overloaded / server_error failures of streamed requests that arrive in-band: HTTP 200, part of the stream, then an error event.' }),
  rate_limit: z
    .strictObject({ rpm: positive.optional(), tpm: positive.optional() })
    .refine((r) => r.rpm !== undefined || r.tpm !== undefined, { message: 'give rpm, tpm or both' })
    .optional()
    .meta({ description: 'Token-bucket limits; excess requests get 429 with the wait as retry-after.' }),
  max_in_flight: z.number().int().positive().optional().meta({ description: 'Concurrent requests beyond this are refused as overloaded.' }),
  models: z
    .record(z.string().min(1), modelMockSchema)
    .optional()
    .meta({ description: 'Per model the target serves (the model a request asks for): fields that replace the ones above for those requests, as `routebench calibrate` fits them for a target that served several models.' }),
});
export type ModelMockSpec = z.output<typeof modelMockSchema>;
export type MockSpec = z.output<typeof mockSchema>;

export const targetSchema = z.strictObject({
  provider: z.string().min(1).meta({ description: 'Provider name, e.g. openai, anthropic, azure, bedrock.' }),
  model: z.string().min(1),
  dialect: z.enum(DIALECTS).optional().meta({ description: 'Wire format; default anthropic for provider anthropic, else openai.' }),
  price: z
    .union([z.string().min(1), priceSchema])
    .optional()
    .meta({ description: 'A key of the price table (default: the model name; for a vendor-prefixed name such as openai/gpt-4o-mini, the name after the last "/" when the table has none for the whole name), or an inline price.' }),
  context_window: z.number().int().positive().optional().meta({ description: 'Requests with more input tokens fail with context_length.' }),
  timeout: positiveDurationSchema.optional().meta({ description: 'Default per-attempt timeout for this target, e.g. "30s".' }),
  via: z.string().min(1).optional().meta({ description: 'Name of a gateway (scenario `gateways`) this target is reached through.' }),
  live: z
    .strictObject({
      base_url: z.url({ message: 'an http(s) URL such as https://api.openai.com' }).meta({ description: 'API base URL without the dialect path (…/v1/chat/completions is added).' }),
      api_key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'an environment variable name such as OPENAI_API_KEY' }),
      model: z.string().min(1).optional().meta({ description: 'Model name at the live API, if not `model`.' }),
    })
    .optional()
    .meta({ description: 'For replay --transport live: where the real API is and which variable holds its key.' }),
  mock: mockSchema.default({ profile: 'typical' }),
});
export type TargetSpec = z.output<typeof targetSchema>;
