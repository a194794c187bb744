/**
 * Deployment selection for one model group: LiteLLM's healthy set (cooldowns; here also targets an
 * outer wrapper blocks), optional pre-call checks, then the routing strategy (gateways.md §2.3):
 * - simple-shuffle: if the first healthy deployment has `weight`, random ∝ weight (missing weights
 *   count 0); else ∝ rpm if the first has rpm; else ∝ tpm; else uniform. Only the first healthy
 *   deployment decides which field is used (the documented quirk). All-zero weights: uniform
 *   (LiteLLM would divide by zero).
 * - least-busy: fewest calls in flight (ties: model_list order).
 * - usage-based-routing(-v2): lowest tokens used this minute; a deployment whose tpm (with this
 *   prompt) or rpm would be exceeded is skipped. v1 counts requests on success, v2 when sent.
 * - latency-based-routing: lowest mean seconds per output token (streams: time to first token per
 *   token); untried deployments count 0, so they are explored first; uniform among those within
 *   lowest × (1 + lowest_latency_buffer); rpm/tpm respected.
 * - cost-based-routing: lowest input_cost_per_token + output_cost_per_token (unweighted sum; from
 *   litellm_params, else the target's price); rpm/tpm respected.
 * With enable_pre_call_checks: deployments whose context window (model_info.max_input_tokens, else
 * the target's) is smaller than the prompt are dropped, and so are those at their rpm this minute;
 * then only the lowest `order` is kept.
 */
import type { Rng } from '../../rng.js';
import type { DecideContext, TargetInfo } from '../strategy.js';
import type { DeploymentSpec, LiteConfig } from './config.js';
import type { DeploymentState } from './state.js';

/** pick() results other than a deployment index. */
export const NONE = -1;
export const NO_CONTEXT = -2;

const R = {
  weight: 'litellm: simple-shuffle by weight',
  rpm: 'litellm: simple-shuffle by rpm',
  tpm: 'litellm: simple-shuffle by tpm',
  uniform: 'litellm: simple-shuffle (uniform)',
  busy: 'litellm: least-busy (fewest in flight)',
  usage: 'litellm: usage-based-routing (lowest tpm this minute)',
  latency: 'litellm: latency-based-routing (lowest latency per token)',
  cold: 'litellm: latency-based-routing (untried deployment first)',
  buffer: 'litellm: latency-based-routing (random within lowest_latency_buffer)',
  cost: 'litellm: cost-based-routing (cheapest)',
};

export class Picker {
  /** The reason of the last successful pick. */
  why = '';
  private readonly cand: Int32Array;
  private readonly score: Float64Array;
  private readonly costPerToken: Float64Array;
  private readonly v2: boolean;

  constructor(
    private readonly cfg: LiteConfig,
    private readonly deps: readonly DeploymentSpec[],
    private readonly targetOf: Int32Array,
    private readonly targets: readonly TargetInfo[],
    private readonly members: readonly Int32Array[],
    private readonly state: DeploymentState,
    private readonly rng: Rng,
  ) {
    this.cand = new Int32Array(deps.length);
    this.score = new Float64Array(deps.length);
    this.v2 = cfg.strategy === 'usage-based-routing-v2';
    this.costPerToken = Float64Array.from(deps, (d, i) => {
      const p = targets[targetOf[i]!]?.price;
      return (d.inputCostPerToken ?? (p ? p.input / 1e6 : 5)) + (d.outputCostPerToken ?? (p ? p.output / 1e6 : 5));
    });
  }

  /** Deployments of group `g` neither cooling down nor blocked. */
  healthy(ctx: DecideContext, g: number): number {
    let n = 0;
    for (const d of this.members[g]!) if (this.usable(ctx, d)) n++;
    return n;
  }

  private usable(ctx: DecideContext, d: number): boolean {
    return !this.state.cooling(d, ctx.now) && !ctx.blocked(this.targetOf[d]!);
  }

  /** A deployment of group `g`, or NONE / NO_CONTEXT; sets `why`. */
  pick(ctx: DecideContext, g: number): number {
    const st = this.state;
    const now = ctx.now;
    const input = ctx.request.inputTokens;
    const cand = this.cand;
    let n = 0;
    let tooLong = false;
    let minOrder = Infinity;
    for (const d of this.members[g]!) {
      if (!this.usable(ctx, d)) continue;
      st.roll(d, now);
      const dep = this.deps[d]!;
      if (this.cfg.preCallChecks) {
        if (input > (dep.maxInputTokens ?? this.targets[this.targetOf[d]!]!.contextWindow)) {
          tooLong = true;
          continue;
        }
        if (dep.rpm !== undefined && st.sent[d]! >= dep.rpm) continue;
        if (dep.order !== undefined && dep.order < minOrder) minOrder = dep.order;
      }
      cand[n++] = d;
    }
    if (minOrder < Infinity) {
      let k = 0;
      for (let i = 0; i < n; i++) if (this.deps[cand[i]!]!.order === minOrder) cand[k++] = cand[i]!;
      n = k;
    }
    if (n === 0) return tooLong ? NO_CONTEXT : NONE;
    switch (this.cfg.strategy) {
      case 'simple-shuffle':
        return this.shuffle(n);
      case 'least-busy': {
        let best = cand[0]!;
        for (let i = 1; i < n; i++) if (st.inFlight[cand[i]!]! < st.inFlight[best]!) best = cand[i]!;
        this.why = R.busy;
        return best;
      }
      case 'latency-based-routing':
        return this.lowestLatency(ctx, n);
      default: {
        // usage-based (lowest tokens this minute) and cost-based (cheapest): first lowest wins
        const usage = this.cfg.strategy !== 'cost-based-routing';
        let best = NONE;
        let bestV = Infinity;
        for (let i = 0; i < n; i++) {
          const d = cand[i]!;
          if (this.overLimit(d, input)) continue;
          const v = usage ? st.tokens[d]! : this.costPerToken[d]!;
          if (v < bestV) (best = d), (bestV = v);
        }
        this.why = usage ? R.usage : R.cost;
        return best;
      }
    }
  }

  private overLimit(d: number, input: number): boolean {
    const dep = this.deps[d]!;
    const st = this.state;
    if (dep.tpm !== undefined && st.tokens[d]! + input > dep.tpm) return true;
    return dep.rpm !== undefined && (this.v2 ? st.sent[d]! : st.ok[d]!) + 1 > dep.rpm;
  }

  private shuffle(n: number): number {
    const cand = this.cand;
    const first = this.deps[cand[0]!]!;
    const field = first.weight !== undefined ? 'weight' : first.rpm !== undefined ? 'rpm' : first.tpm !== undefined ? 'tpm' : undefined;
    let total = 0;
    if (field !== undefined) for (let i = 0; i < n; i++) total += this.score[i] = this.deps[cand[i]!]![field] ?? 0;
    if (field === undefined || !(total > 0)) {
      this.why = R.uniform;
      return cand[this.rng.int(n)]!;
    }
    this.why = R[field];
    let x = this.rng.next() * total;
    for (let i = 0; i < n; i++) if ((x -= this.score[i]!) < 0) return cand[i]!;
    for (let i = n - 1; i >= 0; i--) if (this.score[i]! > 0) return cand[i]!;
    return cand[n - 1]!;
  }

  private lowestLatency(ctx: DecideContext, n: number): number {
    const cand = this.cand;
    const input = ctx.request.inputTokens;
    let k = 0;
    let lowest = Infinity;
    for (let i = 0; i < n; i++) {
      const d = cand[i]!;
      if (this.overLimit(d, input)) continue;
      const v = this.state.latency(d, ctx.now, ctx.request.stream);
      cand[k] = d;
      this.score[k++] = v;
      if (v < lowest) lowest = v;
    }
    if (k === 0) return NONE;
    const limit = lowest * (1 + this.cfg.latency.buffer);
    let valid = 0;
    for (let i = 0; i < k; i++) if (this.score[i]! <= limit) cand[valid++] = cand[i]!;
    this.why = lowest === 0 ? R.cold : valid > 1 ? R.buffer : R.latency;
    return valid === 1 ? cand[0]! : cand[this.rng.int(valid)]!;
  }
}
