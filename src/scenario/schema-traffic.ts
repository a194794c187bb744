/** Scenario schema: the `traffic` section (a recorded trace or a seeded synthetic generator). */
import { z } from 'zod';
import { durationSchema, positiveDurationSchema } from './duration.js';

const positive = z.number().positive({ message: 'must be greater than zero' });
const positiveInt = z.number().int().positive({ message: 'must be a whole number greater than zero' });
const fraction = z.number().min(0, { message: 'must be between 0 and 1' }).max(1, { message: 'must be between 0 and 1' });

/** A token-length distribution. Values are clamped to at least 1 token. */
export const tokenDistSchema = z.discriminatedUnion('dist', [
  z.strictObject({ dist: z.literal('constant'), value: positiveInt }),
  z.strictObject({ dist: z.literal('uniform'), min: positiveInt, max: positiveInt }).refine((d) => d.min <= d.max, {
    message: 'min must not exceed max',
    path: ['min'],
  }),
  z
    .strictObject({ dist: z.literal('lognormal'), p50: positive, p99: positive })
    .refine((d) => d.p50 <= d.p99, { message: 'p50 must not exceed p99', path: ['p50'] })
    .meta({ description: 'Lognormal with the given median and 99th percentile.' }),
]);
export type TokenDist = z.output<typeof tokenDistSchema>;

const arrivalSchema = z
  .strictObject({
    process: z.enum(['constant', 'poisson', 'gamma']).meta({
      description: 'constant: evenly spaced; poisson: exponential gaps; gamma: gaps with tunable burstiness.',
    }),
    rate_per_s: positive.meta({ description: 'Mean arrival rate, requests per second.' }),
    burstiness: positive
      .optional()
      .meta({ description: 'gamma only: shape k of the gap distribution. 1 = Poisson, < 1 burstier, > 1 more regular.' }),
    diurnal: z
      .strictObject({
        amplitude: z.number().min(0).max(1).meta({ description: 'Rate swings between (1 - amplitude) and (1 + amplitude) times rate_per_s.' }),
        peak_at: durationSchema.default(15 * 3_600_000).meta({ description: 'Time of day (offset from the start) of the peak, e.g. "15h".' }),
        period: positiveDurationSchema.default(24 * 3_600_000).meta({ description: 'Length of one cycle (default 24h).' }),
      })
      .optional()
      .meta({ description: 'Daily cycle: rate_per_s is the mean rate; arrivals follow a cosine over the period.' }),
  })
  .refine((a) => a.burstiness === undefined || a.process === 'gamma', {
    message: 'burstiness applies only to process "gamma"',
    path: ['burstiness'],
  })
  .refine((a) => a.diurnal === undefined || a.process !== 'constant', {
    message: 'diurnal applies to poisson and gamma arrivals',
    path: ['diurnal'],
  });

/** Weighted choice of tag values, e.g. `{ project: { web: 3, batch: 1 } }`. */
const tagMixSchema = z.record(
  z.string(),
  z
    .record(z.string(), z.number().nonnegative({ message: 'weights must be ≥ 0' }))
    .refine((values) => Object.values(values).some((w) => w > 0), { message: 'give at least one value a positive weight' }),
);

export const syntheticSchema = z
  .strictObject({
    arrival: arrivalSchema,
    duration: positiveDurationSchema.optional().meta({ description: 'Stop generating after this much traffic time.' }),
    count: positiveInt.optional().meta({ description: 'Stop after this many requests.' }),
    input_tokens: tokenDistSchema.default({ dist: 'lognormal', p50: 800, p99: 8000 }),
    output_tokens: tokenDistSchema.default({ dist: 'lognormal', p50: 200, p99: 1500 }),
    cached_fraction: fraction.default(0).meta({ description: 'Share of input tokens that are prompt-cache reads.' }),
    stream: fraction.default(0.5).meta({ description: 'Share of requests sent with stream: true.' }),
    route: z.string().min(1).default('default'),
    tags: tagMixSchema.default({}),
  })
  .refine((s) => s.duration !== undefined || s.count !== undefined, {
    message: 'give duration (e.g. "10m") or count, so the generator knows when to stop',
  });
export type SyntheticSpec = z.output<typeof syntheticSchema>;

export const TRACE_FORMATS = ['routebench', 'azure', 'mooncake', 'burstgpt', 'otel-genai', 'litellm', 'openrouter', 'portkey'] as const;

export const traceSchema = z.strictObject({
  path: z.string().min(1).meta({ description: 'Trace file, relative to the scenario file.' }),
  format: z
    .enum(TRACE_FORMATS)
    .optional()
    .meta({ description: 'routebench JSONL (default for .jsonl), azure CSV, mooncake JSONL, burstgpt CSV; logs: otel-genai (OTLP JSON spans), litellm (SpendLogs JSON/CSV), openrouter (generation records), portkey (log export JSONL).' }),
  speedup: positive.default(1).meta({ description: 'Divide inter-arrival times by this factor.' }),
  start: durationSchema.optional().meta({ description: 'Skip requests that arrive before this offset.' }),
  end: durationSchema.optional().meta({ description: 'Stop at requests arriving after this offset (before speed-up).' }),
  limit: positiveInt.optional().meta({ description: 'Replay at most this many requests.' }),
  on_bad_row: z.enum(['fail', 'skip']).default('fail').meta({ description: 'A malformed row stops the run, or is skipped and counted.' }),
  route: z.string().min(1).optional().meta({ description: 'Route key for rows that carry none.' }),
  stream: fraction.optional().meta({ description: 'For formats without a stream flag: share of requests to stream.' }),
  tags: z.record(z.string(), z.string()).optional().meta({ description: 'Tags added to every request of this trace.' }),
});
export type TraceSpec = z.output<typeof traceSchema>;

export const trafficSchema = z
  .strictObject({ trace: traceSchema.optional(), synthetic: syntheticSchema.optional() })
  .refine((t) => (t.trace === undefined) !== (t.synthetic === undefined), {
    message: 'give exactly one of trace or synthetic',
  });
export type TrafficSpec = z.output<typeof trafficSchema>;
