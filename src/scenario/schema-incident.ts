/**
 * Scenario schema: `incidents`, the fault timeline every strategy of a scenario meets.
 * Shapes follow the incident histories of public status pages (status.openai.com,
 * status.anthropic.com): hard outage, elevated error rate, latency cliff,
 * overload storm, rate-limit storm; each with optional linear ramps in and out.
 */
import { z } from 'zod';
import { durationSchema, positiveDurationSchema } from './duration.js';
import { MOCK_ERROR_KINDS } from './schema-target.js';

const fraction = z.number().min(0, { message: 'must be between 0 and 1' }).max(1, { message: 'must be between 0 and 1' });

export const INCIDENT_KINDS = ['outage', 'error_rate', 'latency', 'overload', 'rate_limit_storm', 'credits_exhausted'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export const incidentSchema = z
  .strictObject({
    name: z.string().min(1).optional(),
    kind: z.enum(INCIDENT_KINDS).meta({
      description:
        'outage: every attempt fails fast; error_rate: a share fails; latency: slower or stalled; overload: 529/503 overloaded; rate_limit_storm: 429s with retry-after (limits lowered where the target has them); credits_exhausted: 402 from a gateway.',
    }),
    targets: z.array(z.string().min(1)).min(1).optional().meta({ description: 'Target ids hit by the incident ("*" for all).' }),
    providers: z.array(z.string().min(1)).min(1).optional().meta({ description: 'Instead of targets: every target of these providers.' }),
    gateways: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .meta({ description: 'The gateway layer itself (targets routed via these gateways): its outage, latency, 429s or 402s.' }),
    start: durationSchema.meta({ description: 'Offset from the start of the traffic.' }),
    duration: positiveDurationSchema,
    rate: fraction.optional().meta({ description: 'Share of attempts affected at full strength (outage: 1).' }),
    error: z.enum(MOCK_ERROR_KINDS).optional().meta({ description: 'Error kind for outage / error_rate (defaults: unavailable / server_error).' }),
    errors: z
      .partialRecord(z.enum(MOCK_ERROR_KINDS), z.number().nonnegative({ message: 'weights must be ≥ 0' }))
      .refine((m) => Object.values(m).some((w) => (w ?? 0) > 0), { message: 'give at least one kind a positive weight' })
      .optional()
      .meta({ description: 'Instead of error: relative weights of several kinds, e.g. { server_error: 2, unavailable: 1 }.' }),
    latency_multiplier: z.number().min(1).optional().meta({ description: 'latency: multiply TTFT and duration by this.' }),
    added_latency: durationSchema.optional().meta({ description: 'latency: add this stall before the first byte, e.g. "30s".' }),
    retry_after_ms: z
      .strictObject({ min: z.number().nonnegative(), max: z.number().nonnegative() })
      .refine((r) => r.min <= r.max, { message: 'min must not exceed max', path: ['min'] })
      .optional(),
    ramp_up: durationSchema.optional().meta({ description: 'Strength rises linearly from 0 over this time.' }),
    ramp_down: durationSchema.optional().meta({ description: 'Strength falls linearly to 0 over the last part of the incident.' }),
  })
  .superRefine((inc, ctx) => {
    const scopes = [inc.targets, inc.providers, inc.gateways].filter((x) => x !== undefined).length;
    if (scopes !== 1) ctx.addIssue({ code: 'custom', message: 'give exactly one of targets, providers or gateways', path: ['targets'] });
    if (inc.kind === 'credits_exhausted' && inc.gateways === undefined)
      ctx.addIssue({ code: 'custom', message: 'credits_exhausted applies to gateways (give gateways: [name])', path: ['kind'] });
    if (inc.kind === 'latency' && inc.latency_multiplier === undefined && inc.added_latency === undefined)
      ctx.addIssue({ code: 'custom', message: 'a latency incident needs latency_multiplier or added_latency', path: ['kind'] });
    if (inc.kind !== 'latency' && (inc.latency_multiplier !== undefined || inc.added_latency !== undefined))
      ctx.addIssue({ code: 'custom', message: `latency fields apply only to kind "latency", not "${inc.kind}"`, path: ['kind'] });
    if (inc.error !== undefined && inc.errors !== undefined)
      ctx.addIssue({ code: 'custom', message: 'give error or errors, not both', path: ['errors'] });
    if ((inc.ramp_up ?? 0) + (inc.ramp_down ?? 0) > inc.duration)
      ctx.addIssue({ code: 'custom', message: 'ramp_up + ramp_down must fit inside duration', path: ['ramp_up'] });
  });
export type IncidentSpec = z.output<typeof incidentSchema>;
