/** Options and helpers for strategies whose members carry a weight (weighted, round-robin). */
import { z } from 'zod';
import type { Member, MemberSpec, StrategyInit } from './strategy.js';

export const weightedMemberSchema = z
  .strictObject({
    target: z.string().min(1).optional().meta({ description: 'Target id (or give use/options for a nested strategy).' }),
    use: z.string().min(1).optional(),
    options: z.unknown().optional(),
    weight: z.number().min(0, { message: 'weights must be ≥ 0' }).default(1),
  })
  .refine((m) => (m.target === undefined) !== (m.use === undefined), { message: 'give either target or use (a nested strategy)' });

export const weightedMembersSchema = z
  .array(weightedMemberSchema)
  .min(1, { message: 'list at least one target' })
  .max(30, { message: 'at most 30 members' })
  .refine((ms) => ms.reduce((a, m) => a + m.weight, 0) > 0, { message: 'weights sum to zero: give at least one member a positive weight' });

export type WeightedMemberSpec = z.output<typeof weightedMemberSchema>;

export function resolveWeighted(specs: readonly (string | WeightedMemberSpec)[], init: StrategyInit): { members: Member[]; weights: number[] } {
  const members = specs.map((m, i) => {
    if (typeof m === 'string') return init.member(m, ['targets', i]);
    const spec: MemberSpec = m.target ?? { use: m.use!, options: m.options };
    return init.member(spec, ['targets', i, m.target !== undefined ? 'target' : 'use']);
  });
  return { members, weights: specs.map((m) => (typeof m === 'string' ? 1 : m.weight)) };
}
