/**
 * The scenario schema: one file per scenario, strict (unknown keys are errors), every problem
 * reported at once. Strategy options are checked in a second pass against the named strategy's
 * own schema (see engine/plan-runs.ts), because the strategy registry lives to the right of here.
 */
import { z } from 'zod';
import { positiveDurationSchema } from './duration.js';
import { incidentSchema } from './schema-incident.js';
import { loadSchema } from './schema-load.js';
import { gatewaySchema } from './schema-gateway.js';
import { targetSchema } from './schema-target.js';
import { trafficSchema } from './schema-traffic.js';
import { unknownNameMessage } from './suggest.js';
import { METRICS, parseThreshold, THRESHOLD_GRAMMAR } from './threshold-expr.js';

const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: 'use letters, digits, ".", "_" or "-" (starting with a letter or digit)' });

const thresholdEntry = z.union([
  z.string(),
  z.strictObject({
    threshold: z.string(),
    abort_on_fail: z.boolean().default(false).meta({ description: 'Stop the run as soon as this threshold fails.' }),
    delay_abort_eval: positiveDurationSchema.optional().meta({ description: 'Do not abort before this much traffic time.' }),
  }),
]);

/** `{ metric: [expr, ...] }`; expressions are parsed here so typos fail validation. */
export const thresholdsSchema = z
  .record(z.string(), z.array(thresholdEntry).min(1))
  .superRefine((map, ctx) => {
    for (const [metric, entries] of Object.entries(map)) {
      entries.forEach((entry, i) => {
        const source = typeof entry === 'string' ? entry : entry.threshold;
        const parsed = parseThreshold(metric, source);
        if ('error' in parsed) {
          const atKey = parsed.error.startsWith('unknown metric');
          ctx.addIssue({
            code: 'custom',
            message: atKey ? unknownNameMessage('metric', metric, Object.keys(METRICS)) : parsed.error,
            path: atKey ? [metric] : [metric, i],
            params: { atKey },
          });
        }
      });
    }
  })
  .meta({ description: `Pass/fail rules per metric, k6 style. Each entry: ${THRESHOLD_GRAMMAR}` });
export type ThresholdsSpec = z.output<typeof thresholdsSchema>;

/** A strategy reference: a registry name plus options (checked against that strategy's schema). */
export const strategyRefSchema = z.strictObject({
  use: z.string().min(1).meta({ description: 'Strategy name: see `routebench list strategies`.' }),
  options: z.unknown().optional(),
  description: z.string().optional(),
  thresholds: thresholdsSchema.optional().meta({ description: "Thresholds for this strategy only, added to the scenario-wide ones: on a metric both name, every entry of both must hold." }),
});
export type StrategyRef = z.output<typeof strategyRefSchema>;

export const scenarioSchema = z.strictObject({
  $schema: z.string().optional(),
  name: idSchema.meta({ description: 'Scenario name; used in run ids and report paths.' }),
  description: z.string().optional(),
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(1).meta({ description: 'Seed for every random choice; same seed, same rows.' }),
  mode: z.enum(['simulate']).default('simulate').meta({ description: 'simulate: virtual time against the seeded mock model.' }),
  traffic: trafficSchema,
  calibration: z
    .string()
    .min(1)
    .optional()
    .meta({ description: 'A file written by `routebench calibrate` (relative to this scenario): its targets and incidents are merged in; targets declared here override its fields.' }),
  backtest: z
    .strictObject({
      strategy: z.string().min(1).meta({ description: 'Label of the strategy that was deployed when the trace was recorded.' }),
      success_pp: z.number().positive().default(1).meta({ description: 'Largest allowed difference in success rate, percentage points.' }),
      latency_pct: z.number().positive().default(10).meta({ description: 'Largest allowed relative difference of p50/p95 latency and TTFT, percent.' }),
    })
    .optional()
    .meta({ description: '`routebench backtest`: simulate the deployed strategy over a trace with observed outcomes and hold it to these tolerances.' }),
  targets: z.record(idSchema, targetSchema).refine((t) => Object.keys(t).length > 0, { message: 'declare at least one target' }),
  gateways: z.record(idSchema, gatewaySchema).default({}).meta({ description: 'Gateways some targets are reached through (target `via`).' }),
  incidents: z.array(incidentSchema).default([]),
  strategies: z
    .record(idSchema, strategyRefSchema)
    .refine((s) => Object.keys(s).length > 0, { message: 'declare at least one strategy' }),
  defaults: z
    .strictObject({
      attempt_timeout: positiveDurationSchema.default(60_000).meta({ description: 'Per-attempt timeout unless a target or decision sets one.' }),
      max_attempts: z.number().int().positive().max(1000).default(20).meta({ description: 'Safety cap on attempts per request.' }),
    })
    .default({ attempt_timeout: 60_000, max_attempts: 20 }),
  thresholds: thresholdsSchema.default({}),
  load: loadSchema.optional().meta({ description: 'Arms and sweeps for `routebench load` (ignored by run and replay).' }),
}).superRefine((sc, ctx) => {
  // A backtest block that cannot run would silently gate nothing (`run` skips it): say so here.
  const bt = sc.backtest;
  if (!bt) return;
  if (!(bt.strategy in sc.strategies))
    ctx.addIssue({ code: 'custom', path: ['backtest', 'strategy'], message: `no strategy "${bt.strategy}" (have ${Object.keys(sc.strategies).join(', ')})` });
  const trace = sc.traffic.trace;
  if (!trace || (trace.format ?? 'routebench') !== 'routebench') {
    ctx.addIssue({ code: 'custom', path: ['backtest'], message: 'a backtest compares a recording with its simulation: traffic.trace must be a routebench JSONL trace with observed outcomes (record one, or convert logs with routebench import)' });
    return;
  }
  // the recorded side is the whole file: a window, a limit or a speed-up would compare other traffic
  for (const key of ['start', 'end', 'limit'] as const)
    if (trace[key] !== undefined)
      ctx.addIssue({ code: 'custom', path: ['traffic', 'trace', key], message: `the backtest compares the whole recording; cut it instead (routebench import <trace> --format routebench --start/--end/--limit -o part.jsonl)` });
  if (trace.speedup !== 1) ctx.addIssue({ code: 'custom', path: ['traffic', 'trace', 'speedup'], message: 'the backtest replays the recording at the pace it was recorded' });
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
