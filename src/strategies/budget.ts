/**
 * `budget` (wrapper): spend limits per project / tag / key, as Merge Gateway, LiteLLM and Portkey
 * sell them, around any strategy. Each budget has a scope (a tag value, or everything), a limit in
 * USD per calendar period (UTC day, ISO week, month, or the whole run) and an action at the limit:
 * `block` (the request is refused before any provider call, as a gateway's 402), `downgrade` (only
 * the `downgrade_to` targets may serve it) or `alert` (decisions note the crossing). Spend is
 * accounted after each attempt (what providers bill, failed attempts included), and checked
 * before each request, as gateways do.
 */
import { z } from 'zod';
import { createMemberLoop, memberRunner } from './member-loop.js';
import { memberSchema } from './member-schema.js';
import { defineStrategy, stop } from './strategy.js';
import { BudgetLedger, PERIODS } from './budget-ledger.js';

const budgetSchema = z.strictObject({
  name: z.string().min(1),
  scope: z
    .union([z.literal('all'), z.strictObject({ tag: z.string().min(1), value: z.string().min(1) })])
    .meta({ description: '"all", or the requests with tag `tag` equal to `value`, e.g. {tag: project, value: web}.' }),
  limit_usd: z.number().positive({ message: 'must be greater than 0' }),
  period: z.enum(PERIODS).default('monthly').meta({ description: 'daily / weekly (ISO, Monday) / monthly (UTC calendar) or total.' }),
  action: z.enum(['block', 'downgrade', 'alert']).default('block'),
  downgrade_to: z.array(z.string().min(1)).min(1).optional().meta({ description: 'downgrade: the targets allowed while over budget.' }),
  warn_at: z.array(z.number().gt(0).lt(1)).default([0.5, 0.8, 0.9]).meta({ description: 'Shares of the limit that are noted in decisions when crossed.' }),
});

interface BudgetState {
  /** Over a downgrade budget: this request goes to that budget's downgrade targets. */
  downgrade?: number;
  note?: string;
}

export const budget = defineStrategy({
  name: 'budget',
  summary: 'wrapper: spend limits per tag or overall per day/week/month; block, downgrade to cheaper targets, or alert',
  options: z.strictObject({
    inner: memberSchema.meta({ description: 'Target id or nested strategy the budgets govern.' }),
    budgets: z.array(budgetSchema).min(1),
    calendar_start: z.iso
      .datetime({ message: 'an ISO 8601 UTC time such as 2026-11-02T00:00:00Z' })
      .default('2026-11-02T00:00:00Z')
      .meta({ description: 'The calendar time the traffic starts at (period boundaries are UTC).' }),
  }),
  create(options, init) {
    const runner = memberRunner(init.member(options.inner, ['inner']), init.slot(), 'budget');
    const slot = init.slot();
    options.budgets.forEach((b, i) => {
      if (b.action === 'downgrade' && !b.downgrade_to) init.problem(['budgets', i, 'downgrade_to'], 'action downgrade needs downgrade_to: [target ids]');
      if (b.action !== 'downgrade' && b.downgrade_to) init.problem(['budgets', i, 'downgrade_to'], `downgrade_to applies to action downgrade, not ${b.action}`);
    });
    // Over a downgrade budget the request is served by its downgrade targets, in order (failing over among them).
    const downgrade = options.budgets.map((b, i) => {
      const members = (b.downgrade_to ?? []).map((id, j) => ({ kind: 'target' as const, target: init.resolveTarget(id, ['budgets', i, 'downgrade_to', j]), id }));
      const loopSlot = init.slot();
      const reasons = members.map((m) => `budget: ${b.name} over its limit; downgraded to ${m.id}`);
      return createMemberLoop(
        members,
        loopSlot,
        (ctx, tried) => {
          for (let k = 0; k < members.length; k++) if (!(tried & (1 << k)) && !ctx.blocked(members[k]!.target)) return { index: k, why: reasons[k]! };
          return undefined;
        },
        { label: `budget: ${b.name} downgrade`, failover: true },
      );
    });
    const ledger = new BudgetLedger(options.budgets, Date.parse(options.calendar_start));
    const blocked = options.budgets.map((b) => `budget: ${b.name} at its limit ($${b.limit_usd} ${b.period}); blocked`);
    return {
      observe(a, now) {
        ledger.spend(a.request.tags, a.costUsd, now);
        runner.observe?.(a, now);
      },
      decide(ctx) {
        let st = ctx.state[slot] as BudgetState | undefined;
        if (st === undefined) {
          st = {};
          ctx.state[slot] = st;
          const over = ledger.over(ctx.request.tags, ctx.now);
          for (const i of over) {
            const b = options.budgets[i]!;
            if (b.action === 'block') return stop(blocked[i]!);
            if (b.action === 'downgrade') st.downgrade ??= i;
          }
          st.note ??= ledger.takeWarning(ctx.request.tags, ctx.now);
          if (st.downgrade !== undefined) return downgrade[st.downgrade]!(ctx);
        }
        if (st.downgrade !== undefined) return downgrade[st.downgrade]!(ctx);
        const d = runner.decide(ctx);
        if (st.note && d.type !== 'stop') {
          const note = st.note;
          st.note = undefined;
          return { ...d, reason: `${note}; ${d.reason}` };
        }
        return d;
      },
    };
  },
});
