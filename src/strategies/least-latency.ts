/**
 * `least-latency`: the target with the lowest exponentially weighted moving average latency,
 * exploring a random target with probability `explore` (and any target without samples first).
 * Failures count as a `failure_penalty_ms` sample, so a failing target drifts out of favour.
 */
import { z } from 'zod';
import { createMemberLoop } from './member-loop.js';
import { defineStrategy } from './strategy.js';
import { targetListSchema, targetMembers, targetOf } from './target-list.js';

export const leastLatency = defineStrategy({
  name: 'least-latency',
  summary: 'lowest EWMA latency (or TTFT) with epsilon exploration; fails over to the next best',
  options: z.strictObject({
    targets: targetListSchema,
    metric: z.enum(['latency', 'ttft']).default('latency').meta({ description: 'latency: send to end; ttft: to first token (streamed attempts).' }),
    alpha: z.number().gt(0).max(1).default(0.1).meta({ description: 'EWMA weight of each new sample.' }),
    explore: z.number().min(0).max(1).default(0.05).meta({ description: 'Probability of trying a random target instead.' }),
    failure_penalty_ms: z.number().nonnegative().default(10_000).meta({ description: 'Latency sample recorded for a failed attempt.' }),
    failover: z.boolean().default(true),
    timeout_ms: z.number().positive().optional(),
  }),
  create(options, init) {
    const members = targetMembers(options.targets, init);
    const targets = members.map(targetOf);
    const slot = init.slot();
    const rng = init.rng;
    const ewma = new Float64Array(init.targets.length).fill(NaN);
    const a = options.alpha;
    const bestReason = targets.map((t) => `least-latency: ${init.targets[t]!.id} has the lowest EWMA ${options.metric}`);
    const record = (t: number, sample: number) => {
      const e = ewma[t]!;
      ewma[t] = e === e ? e + a * (sample - e) : sample;
    };
    return {
      observe(att) {
        if (att.outcome === 'ok') {
          const sample = options.metric === 'ttft' ? att.ttftMs : att.endMs - att.sentMs;
          if (sample !== undefined) record(att.target, sample);
        } else if (att.outcome === 'error' || att.outcome === 'timeout') {
          record(att.target, Math.max(options.failure_penalty_ms, att.endMs - att.sentMs));
        }
      },
      decide: createMemberLoop(
        members,
        slot,
        (ctx, tried) => {
          let open = 0;
          let best = -1;
          let bestValue = Infinity;
          let unsampled = -1;
          for (let i = 0; i < targets.length; i++) {
            const t = targets[i]!;
            if (tried & (1 << i) || ctx.blocked(t)) continue;
            open++;
            const v = ewma[t]!;
            if (v !== v) {
              if (unsampled < 0) unsampled = i;
            } else if (v < bestValue) (best = i), (bestValue = v);
          }
          if (open === 0) return undefined;
          if (unsampled >= 0) return { index: unsampled, why: `least-latency: ${init.targets[targets[unsampled]!]!.id} has no samples yet (exploring)` };
          if (open > 1 && rng.next() < options.explore) {
            let k = rng.int(open);
            for (let i = 0; i < targets.length; i++) {
              if (tried & (1 << i) || ctx.blocked(targets[i]!)) continue;
              if (k-- === 0) return { index: i, why: `least-latency: exploring ${init.targets[targets[i]!]!.id} (p=${options.explore})` };
            }
          }
          return { index: best, why: bestReason[best]! };
        },
        { label: 'least-latency', failover: options.failover, timeoutMs: options.timeout_ms },
      ),
    };
  },
});
