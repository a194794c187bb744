/**
 * `round-robin`: requests take members in turn (weights repeat a member in the cycle). With
 * `failover: true` a failed request moves on to the next member in the cycle.
 */
import { z } from 'zod';
import { createMemberLoop, memberBlocked, memberName } from './member-loop.js';
import { errorKindListSchema, membersSchema } from './member-schema.js';
import { defineStrategy } from './strategy.js';

export const roundRobin = defineStrategy({
  name: 'round-robin',
  summary: 'members in turn, one per request; optional failover to the next',
  options: z.strictObject({
    targets: membersSchema.meta({ description: 'Members in cycle order: target ids or nested strategies.' }),
    failover: z.boolean().default(false),
    on: errorKindListSchema.optional(),
    timeout_ms: z.number().positive().optional(),
  }),
  create(options, init) {
    const members = options.targets.map((m, i) => init.member(m, ['targets', i]));
    const slot = init.slot();
    let next = 0;
    const reasons = members.map((m, i) => `round-robin: ${memberName(m)} (turn ${i + 1} of ${members.length})`);
    return {
      decide: createMemberLoop(
        members,
        slot,
        (ctx, tried) => {
          for (let k = 0; k < members.length; k++) {
            const i = (next + k) % members.length;
            if (tried & (1 << i) || memberBlocked(members[i]!, ctx)) continue;
            if (tried === 0) next = (i + 1) % members.length;
            return { index: i, why: reasons[i]! };
          }
          return undefined;
        },
        { label: 'round-robin', failover: options.failover, failoverOn: options.on, timeoutMs: options.timeout_ms },
      ),
    };
  },
});
