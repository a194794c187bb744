/**
 * `hedge`: send to the first target; if no answer (or, for streams, no first token) arrives by
 * the `quantile` of that target's recent latency (TTFT for streams), send a second request to the
 * next target. The first success wins; the other attempt is cancelled and recorded as
 * `hedge_lost` (and billed for what it generated). The latency window sees every attempt, those
 * that never answered as censored samples (see LatencyWindow), so a p95 hedge fires for about 5%
 * of requests. Before `min_samples` are seen, `after_ms` is the hedge delay. If every attempt
 * fails, `failover` tries the remaining targets in order.
 */
import { z } from 'zod';
import { defineStrategy, hedge as hedgeDecision, send, stop, wait } from './strategy.js';
import { LatencyWindow } from './latency-window.js';

interface HedgeState {
  next: number;
  hedges: number;
}

export const hedge = defineStrategy({
  name: 'hedge',
  summary: 'second request after a latency quantile; first answer wins, loser recorded as hedge_lost',
  options: z.strictObject({
    targets: z.array(z.string().min(1)).min(1).max(30).meta({ description: 'Primary first, then hedge targets in order (one target: hedge to itself).' }),
    quantile: z.number().gt(0).lt(1).default(0.95).meta({ description: 'Hedge when the primary is slower than this quantile of its recent latency.' }),
    after_ms: z.number().positive().default(2000).meta({ description: 'Hedge delay until min_samples latencies were observed.' }),
    min_samples: z.number().int().min(1).default(50),
    max_hedges: z.number().int().min(1).max(5).default(1),
    failover: z.boolean().default(true).meta({ description: 'When every attempt failed, try the next target.' }),
    timeout_ms: z.number().positive().optional(),
  }),
  create(options, init) {
    const order = options.targets.map((id, i) => init.resolveTarget(id, ['targets', i]));
    const slot = init.slot();
    const windows = init.targets.map(() => ({ stream: new LatencyWindow(), plain: new LatencyWindow() }));
    const pct = `p${Math.round(options.quantile * 100)}`;
    const targetAt = (i: number) => order[order.length === 1 ? 0 : Math.min(i, order.length - 1)]!;
    const delay = (t: number, stream: boolean) => {
      const w = stream ? windows[t]!.stream : windows[t]!.plain;
      return w.size >= options.min_samples ? w.quantile(options.quantile) : options.after_ms;
    };
    const firstReason = order.map((t) => `hedge: ${init.targets[t]!.id} first; hedge armed at ${pct}`);
    const hedgeReason = order.map((t) => `hedge: ${init.targets[t]!.id} because the first attempt passed ${pct}`);
    const failoverReason = order.map((t) => `hedge: ${init.targets[t]!.id} after every attempt failed`);
    return {
      // Every attempt counts, not only the winners: one that lost to a hedge, failed or timed out
      // before answering is censored ("at least this long"), so the window's quantile is not the
      // quantile of the fast answers only (which hedged ~3x more often than asked).
      observe(a) {
        const w = windows[a.target]!;
        const elapsed = a.endMs - a.sentMs;
        if (a.request.stream) {
          if (a.ttftMs !== undefined) w.stream.add(a.ttftMs);
          else w.stream.add(elapsed, a.outcome !== 'ok');
        } else w.plain.add(elapsed, a.outcome !== 'ok');
      },
      decide(ctx) {
        let st = ctx.state[slot] as HedgeState | undefined;
        if (st === undefined) {
          const t = order[0]!;
          ctx.state[slot] = { next: 1, hedges: 0 };
          if (ctx.blocked(t)) return stop('hedge: primary blocked');
          return hedgeDecision(t, delay(t, ctx.request.stream), firstReason[0]!, options.timeout_ms);
        }
        if (ctx.trigger === 'timer') {
          if (ctx.pendingStreaming > 0) return wait(undefined, 'hedge: first attempt already streaming; no hedge');
          if (st.hedges >= options.max_hedges) return wait(undefined, 'hedge: hedge budget used');
          const t = targetAt(st.next);
          if (ctx.blocked(t)) return wait(undefined, 'hedge: hedge target blocked');
          st.hedges++;
          st.next++;
          const reason = hedgeReason[Math.min(st.next - 1, order.length - 1)]!;
          return st.hedges < options.max_hedges
            ? hedgeDecision(t, delay(t, ctx.request.stream), reason, options.timeout_ms)
            : send(t, reason, options.timeout_ms);
        }
        if (ctx.pending > 0) return wait(undefined, 'hedge: another attempt still running');
        if (!options.failover || st.next >= order.length) return stop('hedge: every attempt failed');
        const t = order[st.next]!;
        st.next++;
        if (ctx.blocked(t)) return stop('hedge: failover target blocked');
        return send(t, failoverReason[st.next - 1]!, options.timeout_ms);
      },
    };
  },
});
