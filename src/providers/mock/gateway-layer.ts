/**
 * The gateway a target is reached through (OpenRouter, a Portkey or LiteLLM proxy): it adds its
 * own latency, has its own rate limit shared by every target behind it, and can fail on its own
 * (an outage, 402 when credits run out, 429s) without the provider ever seeing the request.
 * One instance per run and gateway, shared by its targets.
 */
import { ErrorKindCode } from '../canonical.js';
import { lognormalFromP50P99 } from '../../rng.js';
import { pickKind, strengthAt, type CompiledIncident } from './incident-timeline.js';
import { RateLimiter } from './rate-limiter.js';

export interface GatewayLayerSpec {
  name: string;
  addedLatencyMs?: { p50: number; p99: number };
  rateLimit?: { rpm?: number; tpm?: number };
  incidents: readonly CompiledIncident[];
}

/** What the gateway did to one attempt; kind -1: it passed the attempt on, adding `addedMs`. */
export interface GatewayEffect {
  kind: number;
  incident: number;
  addedMs: number;
  /** retry-after of the gateway's own refusal, whole ms; -1 when absent (see AttemptDraw.retryAfterMs). */
  retryAfterMs: number;
}

export class GatewayLayer {
  readonly name: string;
  private readonly latency?: { mu: number; sigma: number };
  private readonly limiter?: RateLimiter;

  constructor(private readonly spec: GatewayLayerSpec) {
    this.name = spec.name;
    if (spec.addedLatencyMs && spec.addedLatencyMs.p50 > 0) this.latency = lognormalFromP50P99(spec.addedLatencyMs.p50, Math.max(spec.addedLatencyMs.p50, spec.addedLatencyMs.p99));
    if (spec.rateLimit && (spec.rateLimit.rpm || spec.rateLimit.tpm)) this.limiter = new RateLimiter(spec.rateLimit);
  }

  /** Number of uniforms `apply` consumes (drawn by the caller, in a fixed order). */
  get draws(): number {
    return 2 + this.spec.incidents.length;
  }

  /** `u[0]` a standard normal for latency, `u[1]` a uniform for kind picks, `u[2..]` one uniform per incident. */
  apply(now: number, tokens: number, u: readonly number[], out: GatewayEffect): void {
    let mult = 1;
    let added = 0;
    let limitFactor = 1;
    out.kind = -1;
    out.incident = -1;
    out.retryAfterMs = -1;
    const incidents = this.spec.incidents;
    for (let i = 0; i < incidents.length; i++) {
      const inc = incidents[i]!;
      const s = strengthAt(inc, now);
      if (s === 0) continue;
      if (inc.kind === 'latency') {
        if (u[2 + i]! < inc.rate) {
          mult *= 1 + (inc.latencyMultiplier - 1) * s;
          added += inc.addedMs * s;
          if (out.incident < 0) out.incident = inc.index;
        }
      } else if (inc.kind === 'rate_limit_storm' && this.limiter) {
        limitFactor *= 1 - s * inc.rate;
      } else if (out.kind === -1 && u[2 + i]! < inc.rate * s) {
        out.kind = pickKind(inc, u[1]!);
        out.incident = inc.index;
        if (inc.retryAfter) out.retryAfterMs = Math.round(inc.retryAfter.min + u[1]! * (inc.retryAfter.max - inc.retryAfter.min));
      }
    }
    const base = this.latency ? Math.exp(this.latency.mu + this.latency.sigma * u[0]!) : 0;
    out.addedMs = base * mult + added;
    if (out.kind === -1 && this.limiter) {
      const wait = this.limiter.admit(now, tokens, limitFactor);
      if (wait > 0) {
        out.kind = ErrorKindCode.rate_limited;
        out.retryAfterMs = Math.ceil(wait / 1000) * 1000;
      }
    }
  }
}
