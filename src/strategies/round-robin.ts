/**
 * `round-robin`: requests take members in turn. Weights repeat a member in the cycle, spread out
 * by smooth weighted round-robin (as nginx does: {a: 2, b: 1} gives a, b, a, a, b, a, ...). With
 * `failover: true` a failed request moves on to the next member in the cycle.
 */
import { z } from 'zod';
import { createMemberLoop, memberBlocked, memberName, observeMembers } from './member-loop.js';
import { errorKindListSchema } from './member-schema.js';
import { defineStrategy } from './strategy.js';
import { resolveWeighted, weightedMemberSchema } from './weighted-members.js';

const rrMembersSchema = z
  .array(z.union([z.string().min(1), weightedMemberSchema]))
  .min(1, { message: 'list at least one target' })
  .max(30, { message: 'at most 30 members' })
  .refine((ms) => ms.reduce((a, m) => a + (typeof m === 'string' ? 1 : m.weight), 0) > 0, { message: 'weights sum to zero: give at least one member a positive weight' });

export const roundRobin = defineStrategy({
  name: 'round-robin',
  summary: 'members in turn (weights repeat a member in the cycle); optional failover to the next',
  options: z.strictObject({
    targets: rrMembersSchema.meta({ description: 'Members in cycle order: target ids, {target, weight} or nested {use, options, weight}.' }),
    failover: z.boolean().default(false),
    on: errorKindListSchema.optional(),
    timeout_ms: z.number().positive().optional(),
  }),
  create(options, init) {
    const { members, weights } = resolveWeighted(options.targets, init);
    const slot = init.slot();
    const firstPick = init.slot();
    const current = new Float64Array(members.length);
    const reasons = members.map((m) => `round-robin: ${memberName(m)} (its turn)`);
    const afterFailure = members.map((m) => `round-robin: ${memberName(m)} (next in the cycle after a failure)`);
    return {
      observe: observeMembers(members),
      decide: createMemberLoop(
        members,
        slot,
        (ctx, tried) => {
          if (tried === 0) {
            // Smooth weighted round-robin over the members that are not blocked.
            let best = -1;
            let sum = 0;
            for (let i = 0; i < members.length; i++) {
              if (weights[i]! <= 0 || memberBlocked(members[i]!, ctx)) continue;
              current[i]! += weights[i]!;
              sum += weights[i]!;
              if (best < 0 || current[i]! > current[best]!) best = i;
            }
            if (best < 0) return undefined;
            current[best]! -= sum;
            ctx.state[firstPick] = best;
            return { index: best, why: reasons[best]! };
          }
          const first = (ctx.state[firstPick] as number | undefined) ?? 0;
          for (let k = 1; k <= members.length; k++) {
            const i = (first + k) % members.length;
            if (tried & (1 << i) || weights[i]! <= 0 || memberBlocked(members[i]!, ctx)) continue;
            return { index: i, why: afterFailure[i]! };
          }
          return undefined;
        },
        { label: 'round-robin', failover: options.failover, failoverOn: options.on, timeoutMs: options.timeout_ms },
      ),
    };
  },
});
