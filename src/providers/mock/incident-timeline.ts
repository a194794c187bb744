/**
 * The fault timeline of one target: incidents compiled to plain numbers, with a strength in
 * [0, 1] at any time (linear ramps in and out). Pure: the same time gives the same strength.
 */
import { ErrorKindCode, type ErrorKind } from '../canonical.js';

export interface IncidentInput {
  name?: string;
  kind: 'outage' | 'error_rate' | 'latency' | 'overload' | 'rate_limit_storm' | 'credits_exhausted';
  /** The gateway layer, not the provider: outages are gateway errors, not provider ones. */
  layer?: 'provider' | 'gateway';
  startMs: number;
  durationMs: number;
  rate?: number;
  error?: ErrorKind;
  errors?: Partial<Record<ErrorKind, number>>;
  latencyMultiplier?: number;
  addedLatencyMs?: number;
  retryAfterMs?: { min: number; max: number };
  rampUpMs?: number;
  rampDownMs?: number;
}

export interface CompiledIncident {
  /** Position in the scenario's incident list (the incident_no in results). */
  index: number;
  name: string;
  kind: IncidentInput['kind'];
  start: number;
  end: number;
  rampUp: number;
  rampDown: number;
  /** Share of attempts hit at full strength. */
  rate: number;
  /** Error kinds (codes) and their cumulative weights, for error-producing kinds. */
  kinds: number[];
  cumulative: number[];
  latencyMultiplier: number;
  addedMs: number;
  retryAfter?: { min: number; max: number };
}

const DEFAULT_ERROR: Record<IncidentInput['kind'], ErrorKind | undefined> = {
  outage: 'unavailable',
  error_rate: 'server_error',
  latency: undefined,
  overload: 'overloaded',
  rate_limit_storm: 'rate_limited',
  credits_exhausted: 'payment_required',
};

/** At the gateway layer an outage or error is the gateway's own. */
const GATEWAY_ERROR: Record<IncidentInput['kind'], ErrorKind | undefined> = {
  ...DEFAULT_ERROR,
  outage: 'gateway_error',
  error_rate: 'gateway_error',
  overload: 'gateway_error',
};

export function compileIncident(input: IncidentInput, index: number): CompiledIncident {
  const defaults = input.layer === 'gateway' ? GATEWAY_ERROR : DEFAULT_ERROR;
  const mix: Partial<Record<ErrorKind, number>> = input.errors ?? (defaults[input.kind] || input.error ? { [input.error ?? defaults[input.kind]!]: 1 } : {});
  const entries = Object.entries(mix).filter(([, w]) => (w ?? 0) > 0) as [ErrorKind, number][];
  const total = entries.reduce((a, [, w]) => a + w, 0);
  let acc = 0;
  return {
    index,
    name: input.name ?? `${input.kind}#${index + 1}`,
    kind: input.kind,
    start: input.startMs,
    end: input.startMs + input.durationMs,
    rampUp: input.rampUpMs ?? 0,
    rampDown: input.rampDownMs ?? 0,
    rate: input.kind === 'outage' || input.kind === 'latency' || input.kind === 'credits_exhausted' ? (input.rate ?? 1) : (input.rate ?? 0.5),
    kinds: entries.map(([k]) => ErrorKindCode[k]),
    cumulative: entries.map(([, w]) => (acc += w) / total),
    latencyMultiplier: input.latencyMultiplier ?? 1,
    addedMs: input.addedLatencyMs ?? 0,
    retryAfter: input.retryAfterMs,
  };
}

/** Strength of an incident at time t: 0 outside, ramps linearly in and out, 1 in between. */
export function strengthAt(inc: CompiledIncident, t: number): number {
  if (t < inc.start || t >= inc.end) return 0;
  if (inc.rampUp > 0 && t < inc.start + inc.rampUp) return (t - inc.start) / inc.rampUp;
  if (inc.rampDown > 0 && t > inc.end - inc.rampDown) return (inc.end - t) / inc.rampDown;
  return 1;
}

/** Picks an error kind code from an incident's mix with a uniform u in [0, 1). */
export function pickKind(inc: CompiledIncident, u: number): number {
  const c = inc.cumulative;
  for (let i = 0; i < c.length; i++) if (u < c[i]!) return inc.kinds[i]!;
  return inc.kinds[inc.kinds.length - 1]!;
}
