/** `single`: every request goes to one target; a failure is final. The baseline. */
import { z } from 'zod';
import { defineStrategy, send, stop } from './strategy.js';

export const single = defineStrategy({
  name: 'single',
  summary: 'every request to one target, no failover (the baseline)',
  options: z.strictObject({
    target: z.string().min(1).meta({ description: 'Target id.' }),
    timeout_ms: z.number().positive().optional().meta({ description: 'Per-attempt timeout (default: the target\'s).' }),
  }),
  create(options, init) {
    const target = init.resolveTarget(options.target, ['target']);
    const sendReason = `single: ${options.target}`;
    const blockedReason = `single: ${options.target} blocked`;
    const doneReason = 'single: no failover';
    const slot = init.slot();
    return {
      decide(ctx) {
        if (ctx.state[slot] === true) return stop(doneReason);
        if (ctx.blocked(target)) return stop(blockedReason);
        ctx.state[slot] = true;
        return send(target, sendReason, options.timeout_ms);
      },
    };
  },
});
