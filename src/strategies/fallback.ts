/**
 * `fallback`: try members in order; after a failure move to the next one. Members are target
 * ids or nested strategies (e.g. fallback over weighted groups). By default any error fails
 * over, as in Portkey; `on` restricts it to chosen error kinds.
 */
import { z } from 'zod';
import { createMemberLoop, memberBlocked, memberName, observeMembers } from './member-loop.js';
import { errorKindListSchema, membersSchema } from './member-schema.js';
import { defineStrategy } from './strategy.js';

const ordinal = (n: number) => `${n}${n === 1 ? 'st' : n === 2 ? 'nd' : n === 3 ? 'rd' : 'th'}`;

export const fallback = defineStrategy({
  name: 'fallback',
  summary: 'members in order; on failure move to the next (targets or nested strategies)',
  options: z.strictObject({
    targets: membersSchema.meta({ description: 'Members in priority order: target ids or nested { use, options }.' }),
    on: errorKindListSchema.optional().meta({ description: 'Fail over only on these error kinds (default: every error).' }),
    timeout_ms: z.number().positive().optional().meta({ description: 'Per-attempt timeout for target members.' }),
  }),
  create(options, init) {
    const members = options.targets.map((m, i) => init.member(m, ['targets', i]));
    const slot = init.slot();
    const firstReason = members.map((m, i) => `fallback: ${memberName(m)} (${ordinal(i + 1)} in order)`);
    return {
      observe: observeMembers(members),
      decide: createMemberLoop(
        members,
        slot,
        (ctx, tried) => {
          for (let i = 0; i < members.length; i++) {
            if (tried & (1 << i) || memberBlocked(members[i]!, ctx)) continue;
            const last = ctx.last;
            if (tried === 0 || last === undefined) return { index: i, why: firstReason[i]! };
            const failed = `${init.targets[last.target]!.id} ${last.errorKind ?? last.outcome}`;
            return { index: i, why: `fallback: ${memberName(members[i]!)} (${ordinal(i + 1)}) after ${failed}` };
          }
          return undefined;
        },
        { label: 'fallback', failover: true, failoverOn: options.on, timeoutMs: options.timeout_ms },
      ),
    };
  },
});
