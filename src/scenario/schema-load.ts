/**
 * Scenario schema: the optional `load:` section read by `routebench load`. Arms are what traffic is
 * sent to (straight to a mock target, through `routebench serve`, or through an external gateway);
 * the sweeps say how hard: a closed-loop connection sweep (autocannon), an open-loop rate sweep
 * (routebench's own scheduler), paired overhead rounds against the direct arm, and the p99 bounds
 * of the throughput frontier. Defaults finish a two-arm run in about a minute on two cores.
 */
import { z } from 'zod';
import { gatewayEndpointSchema } from '../transport/gateway-endpoint.js';
import { durationSchema, positiveDurationSchema } from './duration.js';

const positiveInt = z.number().int().positive({ message: 'must be a whole number greater than zero' });
const positive = z.number().positive({ message: 'must be greater than zero' });
const ascendingUnique = <T extends z.ZodType<number>>(item: T, max: number) =>
  z
    .array(item)
    .min(1, { message: 'give at least one value' })
    .max(max, { message: `at most ${max} values` })
    .refine((xs) => xs.every((x, i) => i === 0 || x > xs[i - 1]!), { message: 'list the values in ascending order, each once' });

const endpoint = gatewayEndpointSchema.shape;

/** One arm: exactly one of `target` (direct), `strategy` (serve) or `url`/`url_env` (external). */
export const loadArmSchema = z
  .strictObject({
    target: z.string().min(1).optional().meta({ description: 'direct: send straight to this scenario target on the mock server.' }),
    strategy: z.string().min(1).optional().meta({ description: 'serve: start `routebench serve --strategy <label>` in front of the mock and send through it.' }),
    url: endpoint.url,
    url_env: endpoint.url_env,
    dialect: z.enum(['openai', 'anthropic']).optional().meta({ description: 'Wire format the arm speaks (direct: the target\'s; otherwise openai).' }),
    headers: endpoint.headers,
    model: z.string().min(1).optional().meta({ description: 'Model name to send (default: the model of the direct arm\'s target).' }),
    description: z.string().optional(),
  })
  .superRefine((arm, ctx) => {
    const kinds = [arm.target !== undefined, arm.strategy !== undefined, arm.url !== undefined || arm.url_env !== undefined].filter(Boolean).length;
    if (kinds !== 1) ctx.addIssue({ code: 'custom', message: 'give exactly one of target (direct), strategy (serve) or url / url_env (external gateway)' });
    if (arm.url !== undefined && arm.url_env !== undefined) ctx.addIssue({ code: 'custom', message: 'give exactly one of url or url_env', path: ['url_env'] });
    if (arm.target !== undefined && Object.keys(arm.headers).length > 0) ctx.addIssue({ code: 'custom', message: 'headers apply to serve and external arms only', path: ['headers'] });
  });
export type LoadArmSpec = z.output<typeof loadArmSchema>;

const closedDefaults = { connections: [1, 10, 50, 100], duration: 2000, warmup: 500 };
const openDefaults = { rates: [500, 1000, 2000, 4000], duration: 2000, warmup: 500, process: 'poisson' as const, late_ms: 1, drop_after_ms: 50, timeout: 5000, max_in_flight: 4096 };
const overheadDefaults = { rounds: 1000, warmup_rounds: 20, concurrency: [1, 8], stream: [false, true], stall_ms: 10, resamples: 1000, time_limit: 60_000 };
const frontierDefaults = { p99_ms: [1, 5, 10, 50], max_error_rate: 0.001 };
const requestDefaults = { input_tokens: 64, output_tokens: 1, stream_output_tokens: 16 };
const mockDefaults = { stream_gap_ms: 1 };

export const loadSchema = z
  .strictObject({
    arms: z
      .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: 'use letters, digits, ".", "_" or "-"' }), loadArmSchema)
      .refine((a) => Object.keys(a).length > 0, { message: 'declare at least one arm' })
      .meta({ description: 'What to load: `{ target }` straight to the mock, `{ strategy }` through routebench serve, `{ url | url_env, dialect, headers }` an external gateway.' }),
    closed: z
      .strictObject({
        connections: ascendingUnique(positiveInt.max(10_000), 12).default(closedDefaults.connections).meta({ description: 'Closed-loop sweep (autocannon): open connections, each sending its next request when the last one answered.' }),
        duration: positiveDurationSchema.default(closedDefaults.duration).meta({ description: 'Measured time per level.' }),
        warmup: durationSchema.default(closedDefaults.warmup).meta({ description: 'Discarded warm-up before each level ("0s": none).' }),
      })
      .default(closedDefaults),
    open: z
      .strictObject({
        rates: ascendingUnique(positive.max(200_000), 12).default(openDefaults.rates).meta({ description: 'Open-loop sweep: offered requests per second, sent on schedule whether or not earlier ones answered.' }),
        duration: positiveDurationSchema.default(openDefaults.duration).meta({ description: 'Scheduled time per rate.' }),
        warmup: durationSchema.default(openDefaults.warmup).meta({ description: 'Discarded warm-up at the same rate before each measured one ("0s": none).' }),
        process: z.enum(['constant', 'poisson']).default(openDefaults.process).meta({ description: 'Arrivals: evenly spaced, or Poisson (seeded).' }),
        late_ms: z.number().nonnegative().default(openDefaults.late_ms).meta({ description: 'A send later than this after its scheduled time counts as late.' }),
        drop_after_ms: positive.default(openDefaults.drop_after_ms).meta({ description: 'A request the generator could not send within this of its scheduled time is dropped (counted, not sent).' }),
        timeout: positiveDurationSchema.default(openDefaults.timeout).meta({ description: 'Per-request timeout.' }),
        max_in_flight: positiveInt.max(100_000).default(openDefaults.max_in_flight).meta({ description: 'Requests beyond this many unanswered ones are dropped (bounds memory when the arm stalls).' }),
      })
      .default(openDefaults),
    overhead: z
      .strictObject({
        rounds: positiveInt.max(1_000_000).default(overheadDefaults.rounds).meta({ description: 'Pairs per cell, shared by its workers: one request direct and one through the arm, back to back, order alternating (p99 needs 1,000 for an interval).' }),
        warmup_rounds: z.number().int().nonnegative().default(overheadDefaults.warmup_rounds).meta({ description: 'Unrecorded pairs per worker first.' }),
        concurrency: ascendingUnique(positiveInt.max(256), 8).default(overheadDefaults.concurrency).meta({ description: 'Workers running rounds at the same time.' }),
        stream: z.array(z.boolean()).min(1).max(2).default(overheadDefaults.stream).meta({ description: 'Plain requests, streamed ones, or both.' }),
        stall_ms: positive.default(overheadDefaults.stall_ms).meta({ description: 'A gap between stream chunks longer than this is a stall.' }),
        resamples: positiveInt.max(100_000).default(overheadDefaults.resamples).meta({ description: 'Bootstrap resamples over the pairs for the 95% intervals.' }),
        time_limit: positiveDurationSchema.default(overheadDefaults.time_limit).meta({ description: 'Each cell stops starting pairs after this long (and says so).' }),
      })
      .default(overheadDefaults),
    frontier: z
      .strictObject({
        p99_ms: ascendingUnique(positive, 12).default(frontierDefaults.p99_ms).meta({ description: 'For each bound: the highest sustained req/s whose p99 stays under it.' }),
        max_error_rate: z.number().min(0).max(1).default(frontierDefaults.max_error_rate).meta({ description: 'Points with more errors (and drops) than this share do not count.' }),
      })
      .default(frontierDefaults),
    request: z
      .strictObject({
        input_tokens: positiveInt.max(1_000_000).default(requestDefaults.input_tokens),
        output_tokens: positiveInt.max(100_000).default(requestDefaults.output_tokens).meta({ description: 'Tokens asked for in plain requests (small: the mock answers in about a millisecond).' }),
        stream_output_tokens: positiveInt.max(100_000).default(requestDefaults.stream_output_tokens).meta({ description: 'Tokens asked for in streamed requests (the number of chunks to time).' }),
      })
      .default(requestDefaults),
    mock: z
      .strictObject({
        stream_gap_ms: positive.default(mockDefaults.stream_gap_ms).meta({ description: 'The mock sends stream tokens at least this far apart (several tokens per chunk when faster).' }),
      })
      .default(mockDefaults),
  })
  .meta({ description: '`routebench load`: arms and sweeps for capacity, the throughput frontier and gateway overhead.' });
export type LoadSpec = z.output<typeof loadSchema>;
