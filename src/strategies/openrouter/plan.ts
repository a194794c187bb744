/**
 * The attempt order of one request, fixed when it arrives (gateways.md §2.1):
 *
 * 1. per model (in `model`, `models` order; one list for `sort.partition: none`):
 *    - default load balancing: among endpoints without a significant outage, one picked with
 *      probability ∝ 1/price²; the other stable ones by price; endpoints with an outage last;
 *    - `order`: the listed endpoints in that order, then the others (by `sort`, else by price);
 *    - `sort`: by price (ascending), throughput (p50, descending) or latency (p50, ascending);
 * 2. endpoints missing `preferred_max_latency` / `preferred_min_throughput` moved to the end;
 * 3. `allow_fallbacks: false`: only the `order`-listed endpoints, or each model's first.
 *
 * "price" is this request's estimated cost at the endpoint (uncached input, cached input and
 * output tokens at its prices); with a single per-token price it is that price.
 */
import type { DecideContext } from '../strategy.js';
import type { Rng } from '../../rng.js';
import type { Endpoint } from './endpoints.js';
import type { OutageWindow, RollingWindow } from './stats.js';

export const Kind = { pick: 0, cheaper: 1, demoted: 2, order: 3, afterOrder: 4, sorted: 5, slowLatency: 6, slowThroughput: 7 } as const;
export const KIND_COUNT = 8;

export interface PlannerConfig {
  readonly endpoints: readonly Endpoint[];
  readonly mode: 'balance' | 'order' | 'sort';
  readonly sortBy: 'price' | 'throughput' | 'latency' | undefined;
  readonly partitionNone: boolean;
  readonly allowFallbacks: boolean;
  /** [quantile, max ms] of time to first token, all must hold. */
  readonly latencyCuts: readonly (readonly [number, number])[];
  /** [quantile of the throughput samples, min tokens/s], all must hold. */
  readonly throughputCuts: readonly (readonly [number, number])[];
  readonly outage: readonly OutageWindow[];
  readonly latency: readonly RollingWindow[] | undefined;
  readonly throughput: readonly RollingWindow[] | undefined;
  readonly rng: Rng;
}

/** One request's plan: endpoint indices and their reason kinds, consumed from `pos`. */
export interface RequestPlan {
  readonly eps: Int32Array;
  readonly kinds: Uint8Array;
  len: number;
  pos: number;
}

export function createPlanner(c: PlannerConfig): (ctx: DecideContext) => RequestPlan {
  const eps = c.endpoints;
  const n = eps.length;
  const groups = c.partitionNone ? 1 : Math.max(...eps.map((e) => e.group)) + 1;
  const groupOf = eps.map((e) => (c.partitionNone ? 0 : e.group));
  const price = new Float64Array(n);
  const key = new Float64Array(n);
  const bad = new Uint8Array(n);
  const scratch = new Int32Array(n);

  /** Sorts scratch[from, to) by `by` ascending, ties in endpoint order (insertion sort; n ≤ 30). */
  const sortRange = (from: number, to: number, by: Float64Array) => {
    for (let i = from + 1; i < to; i++) {
      const v = scratch[i]!;
      let j = i - 1;
      while (j >= from && (by[scratch[j]!]! > by[v]! || (by[scratch[j]!] === by[v] && scratch[j]! > v))) scratch[j + 1] = scratch[j--]!;
      scratch[j + 1] = v;
    }
  };
  const p50 = (w: RollingWindow | undefined, now: number) => (w !== undefined && w.refresh(now) > 0 ? w.quantile(0.5) : NaN);

  return (ctx) => {
    const r = ctx.request;
    const plan: RequestPlan = { eps: new Int32Array(n), kinds: new Uint8Array(n), len: 0, pos: 0 };
    for (let i = 0; i < n; i++) {
      const p = ctx.targets[eps[i]!.target]!.price;
      const cost = (r.inputTokens - r.cachedTokens) * p.input + r.cachedTokens * p.cached_input + r.outputTokens * p.output;
      price[i] = cost > 0 ? cost : p.input + p.output;
      const t = eps[i]!.target;
      // unsampled endpoints sort first, so each gets measured (and re-measured once its samples age out)
      const k = c.sortBy === 'latency' ? p50(c.latency?.[t], ctx.now) : c.sortBy === 'throughput' ? -p50(c.throughput?.[t], ctx.now) : price[i]!;
      key[i] = k === k ? k : -Infinity;
      bad[i] = c.mode === 'balance' && c.outage[t]!.unstable(ctx.now) ? 1 : 0;
    }
    const push = (i: number, kind: number) => {
      plan.eps[plan.len] = i;
      plan.kinds[plan.len++] = kind;
    };
    for (let g = 0; g < groups; g++) {
      let m = 0;
      if (c.mode === 'order') {
        for (let i = 0; i < n; i++) if (groupOf[i] === g && eps[i]!.orderRank >= 0) scratch[m++] = i;
        for (let a = 1; a < m; a++) for (let b = a; b > 0 && eps[scratch[b - 1]!]!.orderRank > eps[scratch[b]!]!.orderRank; b--) [scratch[b - 1], scratch[b]] = [scratch[b]!, scratch[b - 1]!];
        for (let k = 0; k < m; k++) push(scratch[k]!, Kind.order);
        m = 0;
        for (let i = 0; i < n; i++) if (groupOf[i] === g && eps[i]!.orderRank < 0) scratch[m++] = i;
        sortRange(0, m, key);
        for (let k = 0; k < m; k++) push(scratch[k]!, Kind.afterOrder);
      } else if (c.mode === 'sort') {
        for (let i = 0; i < n; i++) if (groupOf[i] === g) scratch[m++] = i;
        sortRange(0, m, key);
        for (let k = 0; k < m; k++) push(scratch[k]!, Kind.sorted);
      } else {
        for (let i = 0; i < n; i++) if (groupOf[i] === g && bad[i] === 0) scratch[m++] = i;
        const stable = m;
        for (let i = 0; i < n; i++) if (groupOf[i] === g && bad[i] === 1) scratch[m++] = i;
        if (stable > 0) {
          const pick = weightedPick(stable);
          push(scratch[pick]!, Kind.pick);
          const picked = scratch[pick]!;
          scratch[pick] = scratch[stable - 1]!;
          scratch[stable - 1] = picked;
          sortRange(0, stable - 1, price);
          for (let k = 0; k < stable - 1; k++) push(scratch[k]!, Kind.cheaper);
        }
        sortRange(stable, m, price);
        for (let k = stable; k < m; k++) push(scratch[k]!, Kind.demoted);
      }
    }
    if (c.latencyCuts.length > 0 || c.throughputCuts.length > 0) demoteSlow(plan, ctx.now);
    if (!c.allowFallbacks) keepPrimaries(plan);
    return plan;
  };

  /** Index into scratch[0, m) with probability ∝ 1/price² (a free endpoint wins outright). */
  function weightedPick(m: number): number {
    let sum = 0;
    for (let k = 0; k < m; k++) {
      const p = price[scratch[k]!]!;
      if (p <= 0) return k;
      sum += 1 / (p * p);
    }
    let u = c.rng.next() * sum;
    for (let k = 0; k < m - 1; k++) {
      const p = price[scratch[k]!]!;
      u -= 1 / (p * p);
      if (u < 0) return k;
    }
    return m - 1;
  }

  /** Stable partition: endpoints meeting every cutoff first (unsampled ones count as meeting). */
  function demoteSlow(plan: RequestPlan, now: number): void {
    let m = 0;
    let slow = 0;
    for (let k = 0; k < plan.len; k++) {
      const t = eps[plan.eps[k]!]!.target;
      const miss = missing(c.latency?.[t], c.latencyCuts, now, false) ? Kind.slowLatency : missing(c.throughput?.[t], c.throughputCuts, now, true) ? Kind.slowThroughput : -1;
      if (miss < 0) {
        plan.eps[m] = plan.eps[k]!;
        plan.kinds[m++] = plan.kinds[k]!;
      } else scratch[slow++] = (plan.eps[k]! << 3) | miss;
    }
    for (let k = 0; k < slow; k++) {
      plan.eps[m] = scratch[k]! >> 3;
      plan.kinds[m++] = scratch[k]! & 7;
    }
  }

  function missing(w: RollingWindow | undefined, cuts: readonly (readonly [number, number])[], now: number, atLeast: boolean): boolean {
    if (w === undefined || cuts.length === 0 || w.refresh(now) === 0) return false;
    for (const [q, limit] of cuts) if (atLeast ? w.quantile(q) < limit : w.quantile(q) > limit) return true;
    return false;
  }

  /** allow_fallbacks false: only the order-listed endpoints, else the first of each model. */
  function keepPrimaries(plan: RequestPlan): void {
    let m = 0;
    let seen = 0;
    for (let k = 0; k < plan.len; k++) {
      const e = eps[plan.eps[k]!]!;
      const keep = c.mode === 'order' ? e.orderRank >= 0 : !(seen & (1 << groupOf[plan.eps[k]!]!));
      seen |= 1 << groupOf[plan.eps[k]!]!;
      if (!keep) continue;
      plan.eps[m] = plan.eps[k]!;
      plan.kinds[m++] = plan.kinds[k]!;
    }
    plan.len = m;
  }
}
