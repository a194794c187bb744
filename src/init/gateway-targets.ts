/**
 * The scenario targets a gateway config routes to, and the strategy options that replay the
 * config, for `routebench init`. Every upstream the config names becomes its own mock target (two
 * Portkey virtual keys or two LiteLLM deployments of one model are two accounts or regions, with
 * their own luck and limits, so they never share a target); the strategy maps the config's upstreams
 * onto those targets explicitly, so the scaffolded scenario validates as written. One file per
 * product: portkey-plan.ts, litellm-plan.ts, openrouter-plan.ts.
 */
import type { GatewayKind } from './find-gateway-config.js';
import { litellmPlan } from './litellm-plan.js';
import { openrouterPlan } from './openrouter-plan.js';
import { portkeyPlan } from './portkey-plan.js';

export interface InitTarget {
  id: string;
  provider: string;
  model: string;
  /** A price from routebench's table for a model it does not list by this name (USD per 1M tokens). */
  price?: { input: number; output: number; as: string };
}

export interface GatewayPlan {
  targets: InitTarget[];
  /** Options of the strategy (`use: <kind>`), without the config path. */
  options: Record<string, unknown>;
  /** What was derived, for the user (one line each). */
  notes: string[];
  /** Targets the direct fallback leaves out (providers the config excludes). */
  notDirect?: string[];
  /** What the synthetic requests carry so the config's routing rules are exercised: a route (model group), tag mixes. */
  traffic?: { route?: string; tags?: Record<string, Record<string, number>> };
}

export type PriceTable = Readonly<Record<string, { input: number; output: number }>>;

/** A model per provider for upstreams whose config names none. */
export const DEFAULT_MODEL: Record<string, string> = {
  openai: 'gpt-4o-mini',
  'azure-openai': 'gpt-4o-mini',
  azure: 'gpt-4o-mini',
  anthropic: 'claude-3-5-haiku',
  google: 'gemini-2.0-flash',
  gemini: 'gemini-2.0-flash',
  'vertex-ai': 'gemini-2.0-flash',
  vertex_ai: 'gemini-2.0-flash',
  bedrock: 'claude-3-5-haiku',
};

export const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'target';
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
export const obj = (v: unknown): Record<string, unknown> | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/** Provider names as they appear inside key, slug and deployment names, most specific first. */
const PROVIDER_WORDS: [RegExp, string][] = [
  [/azure/, 'azure-openai'],
  [/anthropic|claude/, 'anthropic'],
  [/bedrock|aws/, 'bedrock'],
  [/vertex/, 'vertex-ai'],
  [/google|gemini/, 'google'],
  [/mistral/, 'mistral-ai'],
  [/groq/, 'groq'],
  [/together/, 'together-ai'],
  [/fireworks/, 'fireworks-ai'],
  [/deepseek/, 'deepseek'],
  [/cohere/, 'cohere'],
  [/openai|gpt/, 'openai'],
];

/** The provider a name like "azure-virtual-key" or "@anthropic-prod" stands for, if it says. */
export function providerIn(name: string): string | undefined {
  const n = name.toLowerCase();
  return PROVIDER_WORDS.find(([re]) => re.test(n))?.[1];
}

/**
 * A price for a model the table lacks under that name: the first candidate the table has, as
 * written, without a date suffix (claude-3-5-sonnet-20241022), without a vendor prefix
 * (anthropic/claude-3.5-sonnet), or with dots in version numbers as dashes (claude-3.5-sonnet).
 */
export function priceFor(model: string, candidates: readonly string[], table: PriceTable): InitTarget['price'] {
  if (table[model]) return undefined;
  for (const c of [model, ...candidates]) {
    const base = c.slice(c.lastIndexOf('/') + 1).replace(/^@[^/]*\//, '');
    const undated = base.replace(/-(\d{8}|\d{4}-\d{2}-\d{2})$/, '').replace(/-latest$/, '');
    for (const form of [c, base, undated, undated.replace(/(\d)\.(\d)/g, '$1-$2')]) {
      const p = table[form];
      if (p) return { input: p.input, output: p.output, as: form };
    }
  }
  return undefined;
}

export class TargetSet {
  readonly targets: InitTarget[] = [];
  constructor(private readonly prices: PriceTable) {}

  /** A new target (never shared), its id from `hint` (else provider-model), made unique. */
  add(provider: string, model: string, hint?: string, priceCandidates: readonly string[] = []): string {
    const base = slug(hint ?? (model.toLowerCase().startsWith(provider.toLowerCase()) ? model : `${provider}-${model}`));
    let id = base;
    for (let i = 2; this.targets.some((t) => t.id === id); i++) id = `${base}-${i}`;
    const price = priceFor(model, priceCandidates, this.prices);
    this.targets.push({ id, provider, model, ...(price && { price }) });
    return id;
  }

  /** The target for a provider/model pair, created on first use. */
  get(provider: string, model: string): string {
    return this.targets.find((t) => t.provider === provider && t.model === model)?.id ?? this.add(provider, model);
  }
}

export function gatewayPlan(kind: GatewayKind, config: Record<string, unknown>, model: string | undefined, prices: PriceTable = {}): GatewayPlan {
  if (kind === 'portkey') return portkeyPlan(config, prices);
  if (kind === 'litellm') return litellmPlan(config, prices);
  return openrouterPlan(config, model, prices);
}
