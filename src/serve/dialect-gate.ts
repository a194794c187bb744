/**
 * serve does not translate between wire formats: a request to the OpenAI endpoint can only go to
 * openai-dialect targets, one to the Anthropic endpoint only to anthropic-dialect ones. This
 * wrapper makes the other dialect's targets count as blocked for the request (as an open circuit
 * breaker does: every strategy routes around blocked targets), so a strategy over both dialects
 * still works on each endpoint with the targets it can reach. It also tells, from the strategy's
 * options, which targets each endpoint can reach at all (for the startup listing and for a clear
 * 400 when an endpoint has none).
 */
import type { DialectName } from '../providers/canonical.js';
import type { TargetPlan } from '../engine/plan-targets.js';
import { stop, type Router } from '../strategies/strategy.js';

/** The request the gate reads its endpoint dialect from (serve's Exchange). */
interface WithDialect {
  readonly dialect: DialectName;
}

export function dialectGate(inner: Router, targets: readonly TargetPlan[]): Router {
  const other: Record<DialectName, number[]> = { openai: [], anthropic: [] };
  for (const t of targets) (t.dialect === 'openai' ? other.anthropic : other.openai).push(t.index);
  if (other.openai.length === 0 || other.anthropic.length === 0) return inner; // one dialect: nothing to block
  return {
    observe: inner.observe?.bind(inner),
    decide(ctx) {
      const dialect = (ctx.request as unknown as WithDialect).dialect;
      const blocked = other[dialect];
      const mask = ctx.blockMask;
      for (const t of blocked) mask[t]!++;
      let d;
      try {
        d = inner.decide(ctx);
      } finally {
        for (const t of blocked) mask[t]!--;
      }
      if ((d.type === 'send' || d.type === 'hedge') && targets[d.target]!.dialect !== dialect) {
        return stop(`serve: ${targets[d.target]!.id} speaks ${targets[d.target]!.dialect}, this endpoint ${dialect}`);
      }
      return d;
    },
  };
}

/**
 * Targets the strategy names anywhere in its options (strings equal to a target id, at any depth:
 * members, product-config target maps, downgrade lists), or every target when it names none
 * (`cheapest`, `least-latency` default to all). A heuristic for listings and messages, never for routing.
 */
export function namedTargets(options: unknown, targets: readonly TargetPlan[]): TargetPlan[] {
  const ids = new Set<string>();
  const known = new Set(targets.map((t) => t.id));
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      if (known.has(v)) ids.add(v);
    } else if (Array.isArray(v)) for (const x of v) visit(x);
    else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) visit(x);
  };
  visit(options);
  return ids.size === 0 ? [...targets] : targets.filter((t) => ids.has(t.id));
}

/** Per endpoint dialect, the targets a strategy can reach there. */
export function endpointTargets(options: unknown, targets: readonly TargetPlan[]): Record<DialectName, string[]> {
  const named = namedTargets(options, targets);
  return {
    openai: named.filter((t) => t.dialect === 'openai').map((t) => t.id),
    anthropic: named.filter((t) => t.dialect === 'anthropic').map((t) => t.id),
  };
}
