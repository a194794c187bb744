/**
 * `p2c` (power of two choices): pick two distinct random targets and send to the one with fewer
 * requests in flight (ties: the one with fewer recent failures, then the first drawn).
 * Balances load nearly as well as least-busy at the cost of two random draws.
 */
import { z } from 'zod';
import { createMemberLoop } from './member-loop.js';
import { defineStrategy } from './strategy.js';
import { targetListSchema, targetMembers, targetOf } from './target-list.js';

export const p2c = defineStrategy({
  name: 'p2c',
  summary: 'power of two choices on requests in flight; fails over to another pair',
  options: z.strictObject({
    targets: targetListSchema,
    failover: z.boolean().default(true),
    timeout_ms: z.number().positive().optional(),
  }),
  create(options, init) {
    const members = targetMembers(options.targets, init);
    const targets = members.map(targetOf);
    const slot = init.slot();
    const rng = init.rng;
    const failures = new Float64Array(init.targets.length);
    const open: number[] = [];
    // Reasons are built once per (winner, loser, why) and reused: the run's dictionary then finds
    // the same string object again instead of hashing a new one per decision (~10% of a p2c run).
    const T = init.targets.length;
    const said: string[] = [];
    const overReason = (w: number, l: number, tie: boolean): string => {
      const k = (w * T + l) * 2 + (tie ? 1 : 0);
      return (said[k] ??= `p2c: ${init.targets[w]!.id} over ${init.targets[l]!.id} (${tie ? 'tie on in-flight, fewer recent failures' : 'fewer in flight'})`);
    };
    const onlyReason: string[] = [];
    return {
      observe(a) {
        failures[a.target] = failures[a.target]! * 0.9 + (a.outcome === 'error' || a.outcome === 'timeout' ? 1 : 0);
      },
      decide: createMemberLoop(
        members,
        slot,
        (ctx, tried) => {
          open.length = 0;
          for (let i = 0; i < targets.length; i++) if (!(tried & (1 << i)) && !ctx.blocked(targets[i]!)) open.push(i);
          if (open.length === 0) return undefined;
          if (open.length === 1) {
            const t = targets[open[0]!]!;
            return { index: open[0]!, why: (onlyReason[t] ??= `p2c: ${init.targets[t]!.id} is the only choice left`) };
          }
          const x = rng.int(open.length);
          let y = rng.int(open.length - 1);
          if (y >= x) y++;
          const a = open[x]!;
          const b = open[y]!;
          const ta = targets[a]!;
          const tb = targets[b]!;
          const fa = ctx.inFlight(ta);
          const fb = ctx.inFlight(tb);
          const pickA = fa < fb || (fa === fb && failures[ta]! <= failures[tb]!);
          return { index: pickA ? a : b, why: pickA ? overReason(ta, tb, fa === fb) : overReason(tb, ta, fa === fb) };
        },
        { label: 'p2c', failover: options.failover, timeoutMs: options.timeout_ms },
      ),
    };
  },
});
