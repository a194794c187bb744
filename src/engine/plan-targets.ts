/**
 * Plans a scenario's targets, gateways and fault timeline: prices and mock behaviour per target,
 * each incident compiled for the targets (or providers) it hits, gateway incidents for the gateway
 * layer. A target reached via a gateway draws the same luck as the scenario's one direct target of
 * the same provider and model (and inherits its mock unless it has its own), so "through the
 * gateway" and "direct" differ only by what the gateway does.
 */
import type { Problem } from '../errors.js';
import { combineSeeds, hashString } from '../rng.js';
import type { DialectName, ErrorKind, Price } from '../providers/canonical.js';
import { compileIncident, type CompiledIncident } from '../providers/mock/incident-timeline.js';
import { profiles, type MockBehaviour } from '../providers/mock/profiles.js';
import { defaultPrices } from '../providers/prices.js';
import { problemAt, type LoadedScenario } from '../scenario/load-scenario.js';
import type { IncidentSpec } from '../scenario/schema-incident.js';
import type { BillingSpec } from '../scenario/schema-gateway.js';
import type { MockSpec, ModelMockSpec } from '../scenario/schema-target.js';
import { unknownNameMessage } from '../scenario/suggest.js';
import type { TargetInfo } from '../strategies/strategy.js';

export interface TargetPlan extends TargetInfo {
  readonly dialect: DialectName;
  readonly behaviour: MockBehaviour;
  readonly incidents: readonly CompiledIncident[];
  readonly mockSeed: number;
  /** Gateway this target is reached through. */
  readonly via?: string;
  /**
   * Per model the target serves (`mock.models`): the behaviour for requests that ask for it, the
   * target's own fields with the model's over them. Absent when the target has none.
   */
  readonly models?: readonly { readonly model: string; readonly behaviour: MockBehaviour }[];
  /** The real API, for replay --transport live. */
  readonly live?: { readonly baseUrl: string; readonly apiKeyEnv: string; readonly model?: string };
}

export interface GatewayPlan {
  readonly name: string;
  readonly addedLatencyMs?: { p50: number; p99: number };
  readonly rateLimit?: { rpm?: number; tpm?: number };
  readonly billing: BillingSpec;
  readonly incidents: readonly CompiledIncident[];
}

export interface IncidentPlan {
  name: string;
  kind: string;
  targets: string[];
  startMs: number;
  endMs: number;
}

const compile = (inc: IncidentSpec, i: number, layer: 'provider' | 'gateway') =>
  compileIncident(
    {
      ...inc,
      layer,
      error: inc.error as ErrorKind | undefined,
      errors: inc.errors as Partial<Record<ErrorKind, number>>,
      startMs: inc.start,
      durationMs: inc.duration,
      latencyMultiplier: inc.latency_multiplier,
      addedLatencyMs: inc.added_latency,
      retryAfterMs: inc.retry_after_ms,
      rampUpMs: inc.ramp_up,
      rampDownMs: inc.ramp_down,
    },
    i,
  );

export function planTargets(loaded: LoadedScenario, seed: number, defaultTimeoutMs: number, problems: Problem[]) {
  const sc = loaded.scenario;
  const prices = defaultPrices();
  const ids = Object.keys(sc.targets);
  const raw = (loaded.source.value as { targets?: Record<string, { mock?: unknown }> }).targets ?? {};
  const hits = (inc: IncidentSpec, id: string) => inc.targets?.includes(id) || inc.targets?.includes('*') || inc.providers?.includes(sc.targets[id]!.provider);
  const directTwin = (id: string) => {
    const t = sc.targets[id]!;
    const twins = ids.filter((o) => sc.targets[o]!.via === undefined && sc.targets[o]!.provider === t.provider && sc.targets[o]!.model === t.model);
    return t.via !== undefined && twins.length === 1 ? twins[0] : undefined;
  };

  const targets: TargetPlan[] = ids.map((id, index) => {
    const twin = directTwin(id);
    const t = sc.targets[id]!;
    const mock: MockSpec = twin !== undefined && raw[id]?.mock === undefined ? sc.targets[twin]!.mock : t.mock;
    const profile = profiles[mock.profile];
    if (!profile) problems.push(problemAt(loaded, ['targets', id, 'mock', 'profile'], unknownNameMessage('profile', mock.profile, Object.keys(profiles))));
    let price: Price = { input: 0, output: 0, cached_input: 0 };
    if (typeof t.price === 'object') price = inlinePrice(t.price);
    else {
      const key = t.price ?? t.model;
      const found = tablePrice(prices, key);
      if (found) price = found;
      else {
        const p = problemAt(loaded, ['targets', id, t.price === undefined ? 'model' : 'price'], `no price for "${key}" in the price table; set targets.${id}.price to a known key or to {input, output, cached_input} in USD per 1M tokens`);
        // The model came from an included calibration file, which calibrate rewrites: the price goes in the scenario.
        if (p.file !== loaded.file)
          p.message = `no price for "${key}" in the price table; set it in the scenario ${loaded.file}, not in this file (calibrate rewrites it): targets: { ${id}: { price: {input, output, cached_input} } } in USD per 1M tokens, or a known key`;
        problems.push(p);
      }
    }
    const behaviour = mergeBehaviour(profile?.behaviour ?? profiles.typical!.behaviour, mock);
    const perModel = planModels(mock, behaviour, prices, (model, message) => problems.push(problemAt(loaded, ['targets', id, 'mock', 'models', model, 'price'], message)));
    return {
      index,
      id,
      provider: t.provider,
      model: t.model,
      dialect: t.dialect ?? (t.provider === 'anthropic' ? 'anthropic' : 'openai'),
      price,
      contextWindow: t.context_window ?? Infinity,
      timeoutMs: t.timeout ?? defaultTimeoutMs,
      behaviour,
      ...perModel,
      incidents: sc.incidents.flatMap((inc, i) => (hits(inc, id) ? [compile(inc, i, 'provider')] : [])),
      mockSeed: combineSeeds(seed, hashString(`target:${twin ?? id}`)),
      via: t.via,
      live: t.live ? { baseUrl: t.live.base_url.replace(/\/+$/, ''), apiKeyEnv: t.live.api_key_env, model: t.live.model } : undefined,
    };
  });

  const gateways: GatewayPlan[] = Object.entries(sc.gateways).map(([name, g]) => ({
    name,
    addedLatencyMs: g.added_latency_ms,
    rateLimit: g.rate_limit,
    billing: g.billing,
    incidents: sc.incidents.flatMap((inc, i) => (inc.gateways?.includes(name) ? [compile(inc, i, 'gateway')] : [])),
  }));

  const incidents: IncidentPlan[] = sc.incidents.map((inc, i) => ({
    name: inc.name ?? `${inc.kind}#${i + 1}`,
    kind: inc.kind,
    targets: inc.gateways ? inc.gateways.map((g) => `gateway:${g}`) : ids.filter((id) => hits(inc, id)),
    startMs: inc.start,
    endMs: inc.start + inc.duration,
  }));
  return { targets, gateways, incidents };
}

function mergeBehaviour(base: MockBehaviour, o: MockSpec | ModelMockSpec): MockBehaviour {
  return {
    ttftMs: o.ttft_ms ?? base.ttftMs,
    tokensPerS: o.tokens_per_s ?? base.tokensPerS,
    ttftQuantilesMs: o.ttft_quantiles_ms ?? (o.ttft_ms ? undefined : base.ttftQuantilesMs),
    tokensPerSQuantiles: o.tokens_per_s_quantiles ?? (o.tokens_per_s ? undefined : base.tokensPerSQuantiles),
    prefillTokensPerS: o.prefill_tokens_per_s ?? base.prefillTokensPerS,
    errors: (o.errors as MockBehaviour['errors'] | undefined) ?? base.errors,
    errorLatencyMs: o.error_latency_ms ?? base.errorLatencyMs,
    retryAfterMs: ('retry_after_ms' in o ? o.retry_after_ms : undefined) ?? base.retryAfterMs,
    retryAfterShare: ('retry_after_share' in o ? o.retry_after_share : undefined) ?? base.retryAfterShare,
    inBandErrorShare: o.in_band_error_share ?? base.inBandErrorShare,
    rateLimit: ('rate_limit' in o ? o.rate_limit : undefined) ?? base.rateLimit,
    maxInFlight: ('max_in_flight' in o ? o.max_in_flight : undefined) ?? base.maxInFlight,
  };
}

const inlinePrice = (p: Exclude<NonNullable<MockSpec['models']>[string]['price'], string | undefined>): Price => ({ ...p, cached_input: p.cached_input ?? p.input });

/**
 * A price table entry. A vendor-prefixed name, as OpenRouter and LiteLLM write models
 * (openai/gpt-4o-mini), takes the price of the model after the last "/" when the table has no
 * entry for the whole name.
 */
function tablePrice(prices: Record<string, Price>, key: string): Price | undefined {
  return prices[key] ?? (key.includes('/') ? prices[key.slice(key.lastIndexOf('/') + 1)] : undefined);
}

/**
 * `mock.models`: each model's behaviour (the target's, its own fields over it) and its price (its
 * own, else the model's in the price table; a model the table does not know keeps the target's).
 */
function planModels(mock: MockSpec, behaviour: MockBehaviour, prices: Record<string, Price>, problem: (model: string, message: string) => void) {
  if (mock.models === undefined || Object.keys(mock.models).length === 0) return {};
  const models: { model: string; behaviour: MockBehaviour }[] = [];
  const modelPrices = new Map<string, Price>();
  for (const [model, m] of Object.entries(mock.models)) {
    models.push({ model, behaviour: mergeBehaviour(behaviour, m) });
    if (typeof m.price === 'object') modelPrices.set(model, inlinePrice(m.price));
    else {
      const found = tablePrice(prices, m.price ?? model);
      if (found) modelPrices.set(model, found);
      else if (m.price !== undefined) problem(model, `no price for "${m.price}" in the price table; give a known key or {input, output, cached_input} in USD per 1M tokens`);
    }
  }
  return { models, ...(modelPrices.size > 0 ? { modelPrices } : {}) };
}
