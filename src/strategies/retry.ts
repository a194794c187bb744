/**
 * `retry` (wrapper): runs `inner` (a target or a strategy); when it gives up on a retryable
 * error, waits and runs it again, up to `attempts` tries. Waits follow exponential backoff with
 * jitter (the official SDKs' formula by default: 0.5 s doubling to 8 s, minus up to 25%), or the
 * provider's retry-after when it is present and not above `max_retry_after_ms`.
 */
import { z } from 'zod';
import { ERROR_KINDS, KIND_RETRYABLE, type ErrorKind } from '../providers/canonical.js';
import { memberRunner } from './member-loop.js';
import { errorKindListSchema, memberSchema } from './member-schema.js';
import { defineStrategy, stop, wait } from './strategy.js';
import { count } from '../plural.js';

interface RetryState {
  tries: number;
  waiting: boolean;
}

export const retry = defineStrategy({
  name: 'retry',
  summary: 'wrapper: re-run inner after retryable failures; exponential backoff with jitter, honours retry-after',
  options: z.strictObject({
    inner: memberSchema.meta({ description: 'Target id or nested strategy to retry.' }),
    attempts: z.number().int().min(1).max(20).default(3).meta({ description: 'Total tries including the first.' }),
    base_ms: z.number().nonnegative().default(500),
    multiplier: z.number().min(1).default(2),
    max_ms: z.number().nonnegative().default(8000).meta({ description: 'Cap on one backoff wait.' }),
    jitter: z.number().min(0).max(1).default(0.25).meta({ description: 'Each wait is reduced by up to this share at random.' }),
    honor_retry_after: z.boolean().default(true),
    max_retry_after_ms: z.number().nonnegative().default(60_000).meta({ description: 'A larger retry-after is ignored (openai-node rule) and backoff used.' }),
    on: errorKindListSchema.optional().meta({ description: 'Retry only these kinds (default: every retryable kind).' }),
    timeout_ms: z.number().positive().optional(),
  }),
  create(options, init) {
    const innerMember = init.member(options.inner, ['inner']);
    const runner = memberRunner(innerMember, init.slot(), 'retry', options.timeout_ms);
    const slot = init.slot();
    const rng = init.rng;
    const retryOn = new Set<ErrorKind>(options.on ?? ERROR_KINDS.filter((k) => KIND_RETRYABLE[k]));
    const n = options.attempts;
    const notRetried = Object.fromEntries(ERROR_KINDS.map((k) => [k, `retry: ${k} is not retried`])) as Record<ErrorKind, string>;
    const backoffReason = Array.from({ length: n + 1 }, (_, i) => `retry: backoff before try ${i + 1} of ${n}`);
    const retryAfterReason = Array.from({ length: n + 1 }, (_, i) => `retry: waiting retry-after before try ${i + 1} of ${n}`);
    const gaveUp = `retry: gave up after ${count(n, 'try')}`;
    return {
      observe: runner.observe,
      decide(ctx) {
        let st = ctx.state[slot] as RetryState | undefined;
        if (st === undefined) ctx.state[slot] = st = { tries: 1, waiting: false };
        if (st.waiting) {
          if (ctx.trigger !== 'timer') return wait(undefined, 'retry: waiting');
          st.waiting = false;
          runner.reset(ctx);
        }
        const d = runner.decide(ctx);
        if (d.type !== 'stop') return d;
        const last = ctx.last;
        if (last === undefined || last.outcome === 'ok' || ctx.pending > 0) return d;
        const kind = last.errorKind ?? 'timeout';
        if (!retryOn.has(kind)) return stop(notRetried[kind]);
        if (st.tries >= n) return stop(gaveUp);
        st.tries++;
        st.waiting = true;
        const ra = last.retryAfterMs;
        if (options.honor_retry_after && ra !== undefined && ra >= 0 && ra <= options.max_retry_after_ms) return wait(ra, retryAfterReason[st.tries - 1]!);
        const backoff = Math.min(options.max_ms, options.base_ms * Math.pow(options.multiplier, st.tries - 2));
        return wait(backoff * (1 - rng.next() * options.jitter), backoffReason[st.tries - 1]!);
      },
    };
  },
});
