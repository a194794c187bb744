/**
 * `cheapest`: the target with the lowest estimated cost for this request (its input, cached and
 * output tokens at each target's prices), skipping targets cooling down: a target that failed
 * `allowed_fails` + 1 times within `cooldown_ms` is skipped until `cooldown_ms` after its last failure.
 * On failure it fails over to the next cheapest. If every target is cooling down it still
 * tries the cheapest: availability first.
 */
import { z } from 'zod';
import { createMemberLoop } from './member-loop.js';
import { errorKindListSchema } from './member-schema.js';
import { defineStrategy } from './strategy.js';
import { targetListSchema, targetMembers, targetOf } from './target-list.js';
import { FailureWindow } from './failure-window.js';

export const cheapest = defineStrategy({
  name: 'cheapest',
  summary: 'lowest estimated cost per request; skips targets that failed recently',
  options: z.strictObject({
    targets: targetListSchema,
    cooldown_ms: z.number().nonnegative().default(30_000).meta({ description: 'Failure window, and how long a failing target is skipped.' }),
    allowed_fails: z.number().int().min(0).max(100).default(2).meta({ description: 'Failures tolerated within cooldown_ms before a cooldown starts.' }),
    cooldown_on: errorKindListSchema.optional().meta({ description: 'Error kinds that start a cooldown (default: every retryable kind).' }),
    failover: z.boolean().default(true),
    timeout_ms: z.number().positive().optional(),
  }),
  create(options, init) {
    const members = targetMembers(options.targets, init);
    const targets = members.map(targetOf);
    const slot = init.slot();
    const recent = init.targets.map(() => new FailureWindow(options.allowed_fails + 1));
    const cheapestReason = targets.map((t) => `cheapest: ${init.targets[t]!.id} (lowest estimated cost)`);
    const cheapestSkipping = targets.map((t) => `cheapest: ${init.targets[t]!.id} (cheapest healthy; cheaper ones cooling down)`);
    const cooling = options.cooldown_on ? new Set<string>(options.cooldown_on) : undefined;
    const cost = (ti: number, inTok: number, cached: number, outTok: number) => {
      const p = init.targets[ti]!.price;
      return ((inTok - cached) * p.input + cached * p.cached_input + outTok * p.output) / 1e6;
    };
    return {
      observe(a) {
        if (a.outcome !== 'error' && a.outcome !== 'timeout') return;
        if (cooling ? a.errorKind !== undefined && cooling.has(a.errorKind) : a.retryable) recent[a.target]!.add(a.endMs);
      },
      decide: createMemberLoop(
        members,
        slot,
        (ctx, tried) => {
          const r = ctx.request;
          let best = -1;
          let bestCost = Infinity;
          let bestCooling = -1;
          let bestCoolingCost = Infinity;
          for (let i = 0; i < targets.length; i++) {
            const t = targets[i]!;
            if (tried & (1 << i) || ctx.blocked(t)) continue;
            const c = cost(t, r.inputTokens, r.cachedTokens, r.outputTokens);
            if (recent[t]!.cooling(ctx.now, options.cooldown_ms)) {
              if (c < bestCoolingCost) (bestCooling = i), (bestCoolingCost = c);
            } else if (c < bestCost) (best = i), (bestCost = c);
          }
          if (best >= 0) {
            return { index: best, why: bestCoolingCost < bestCost ? cheapestSkipping[best]! : cheapestReason[best]! };
          }
          if (bestCooling >= 0)
            return { index: bestCooling, why: `cheapest: every target cooling down; trying ${init.targets[targets[bestCooling]!]!.id} anyway` };
          return undefined;
        },
        { label: 'cheapest', failover: options.failover, timeoutMs: options.timeout_ms },
      ),
    };
  },
});
