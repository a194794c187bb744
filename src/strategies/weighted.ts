/**
 * `weighted`: each request picks one member at random in proportion to its weight (Portkey's
 * loadbalance). By default a failure is final, as in Portkey; `failover: true` re-picks among
 * the members not yet tried.
 */
import { z } from 'zod';
import { createMemberLoop, memberBlocked, memberName, observeMembers } from './member-loop.js';
import { errorKindListSchema } from './member-schema.js';
import { defineStrategy } from './strategy.js';
import { resolveWeighted, weightedMembersSchema } from './weighted-members.js';

export const weighted = defineStrategy({
  name: 'weighted',
  summary: 'random pick in proportion to weights (loadbalance); optional failover',
  options: z.strictObject({
    targets: weightedMembersSchema.meta({ description: 'Members with weights, e.g. [{target: a, weight: 3}, {target: b, weight: 1}].' }),
    failover: z.boolean().default(false).meta({ description: 'After a failure, pick again among untried members.' }),
    on: errorKindListSchema.optional(),
    timeout_ms: z.number().positive().optional(),
  }),
  create(options, init) {
    const { members, weights } = resolveWeighted(options.targets, init);
    const slot = init.slot();
    const rng = init.rng;
    const total = weights.reduce((a, b) => a + b, 0);
    const reasons = members.map((m, i) => `weighted: ${memberName(m)} (weight ${weights[i]} of ${total})`);
    return {
      observe: observeMembers(members),
      decide: createMemberLoop(
        members,
        slot,
        (ctx, tried) => {
          let sum = 0;
          for (let i = 0; i < members.length; i++) if (!(tried & (1 << i)) && !memberBlocked(members[i]!, ctx)) sum += weights[i]!;
          if (sum <= 0) return undefined;
          let u = rng.next() * sum;
          let last = -1;
          for (let i = 0; i < members.length; i++) {
            if (tried & (1 << i) || memberBlocked(members[i]!, ctx) || weights[i]! <= 0) continue;
            last = i;
            u -= weights[i]!;
            if (u < 0) break;
          }
          return { index: last, why: reasons[last]! };
        },
        { label: 'weighted', failover: options.failover, failoverOn: options.on, timeoutMs: options.timeout_ms },
      ),
    };
  },
});
