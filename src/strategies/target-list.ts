/** Helpers for strategies that choose among plain targets (cheapest, least-latency, p2c). */
import { z } from 'zod';
import type { Member, StrategyInit } from './strategy.js';

export const targetListSchema = z
  .array(z.string().min(1))
  .min(1, { message: 'list at least one target' })
  .max(30, { message: 'at most 30 targets' })
  .optional()
  .meta({ description: 'Target ids to choose among (default: every target of the scenario).' });

/** Resolves `targets` (or every scenario target) to members. */
export function targetMembers(ids: readonly string[] | undefined, init: StrategyInit): Member[] {
  if (ids === undefined) {
    if (init.targets.length > 30) init.problem(['targets'], 'the scenario has more than 30 targets; list the ones to use');
    return init.targets.slice(0, 30).map((t) => ({ kind: 'target', target: t.index, id: t.id }));
  }
  return ids.map((id, i) => ({ kind: 'target', target: init.resolveTarget(id, ['targets', i]), id }));
}

/** The target index of a plain-target member. */
export function targetOf(m: Member): number {
  return m.kind === 'target' ? m.target : -1;
}
