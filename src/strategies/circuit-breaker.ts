/**
 * `circuit-breaker` (wrapper): per target, counts failures over a rolling window; when at least
 * `min_requests` were seen and the failure share reaches `failure_rate`, the breaker opens and
 * the target is blocked for `cooldown_ms`. Then it is half-open: `half_open_probes` requests
 * may try it; a success closes the breaker, a failure opens it again. The inner strategy sees
 * blocked targets through ctx.blocked and routes around them (or fails fast).
 */
import { z } from 'zod';
import { ERROR_KINDS, KIND_RETRYABLE, type ErrorKind } from '../providers/canonical.js';
import { memberRunner } from './member-loop.js';
import { errorKindListSchema, memberSchema } from './member-schema.js';
import { defineStrategy, stop } from './strategy.js';
import { BreakerState } from './breaker-state.js';

export const circuitBreaker = defineStrategy({
  name: 'circuit-breaker',
  summary: 'wrapper: block targets whose failure rate crosses a threshold; cooldown, then half-open probes',
  options: z.strictObject({
    inner: memberSchema.meta({ description: 'Target id or nested strategy to protect.' }),
    failure_rate: z.number().gt(0).max(1).default(0.5),
    min_requests: z.number().int().min(1).default(20).meta({ description: 'Do not open before this many results in the window.' }),
    window_ms: z.number().positive().default(30_000).meta({ description: 'Rolling window for the failure rate.' }),
    cooldown_ms: z.number().positive().default(30_000).meta({ description: 'How long an open breaker blocks its target.' }),
    half_open_probes: z.number().int().min(1).default(1),
    count: errorKindListSchema.optional().meta({ description: 'Error kinds that count as failures (default: every retryable kind).' }),
  }),
  create(options, init) {
    const runner = memberRunner(init.member(options.inner, ['inner']), init.slot(), 'circuit-breaker');
    const counted = new Set<ErrorKind>(options.count ?? ERROR_KINDS.filter((k) => KIND_RETRYABLE[k]));
    const breakers = init.targets.map(() => new BreakerState(options));
    const ids = init.targets.map((t) => t.id);
    const blocked: number[] = [];
    return {
      observe(a, now) {
        const failed = (a.outcome === 'error' || a.outcome === 'timeout') && a.errorKind !== undefined && counted.has(a.errorKind);
        if (a.outcome === 'ok' || failed) breakers[a.target]!.record(now, failed);
        else breakers[a.target]!.release();
        runner.observe?.(a, now);
      },
      decide(ctx) {
        const mask = ctx.blockMask;
        blocked.length = 0;
        for (let t = 0; t < breakers.length; t++) {
          if (!breakers[t]!.allows(ctx.now)) {
            mask[t]!++;
            blocked.push(t);
          }
        }
        let d;
        try {
          d = runner.decide(ctx);
        } finally {
          for (const t of blocked) mask[t]!--;
        }
        if (d.type === 'send' || d.type === 'hedge') {
          if (blocked.includes(d.target)) throw new Error(`strategy bug: ${runner.name} sent to ${ids[d.target]}, which the breaker blocked`);
          breakers[d.target]!.sending(ctx.now);
          return d;
        }
        if (d.type === 'stop' && blocked.length > 0 && ctx.attempts.length === 0) {
          const open = blocked.map((t) => `${ids[t]} ${breakers[t]!.describe()}`);
          return stop(`circuit-breaker: fail fast (${open.join('; ')})`);
        }
        return d;
      },
    };
  },
});
