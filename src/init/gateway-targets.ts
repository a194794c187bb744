/**
 * The scenario targets a gateway config routes to, and the strategy options that replay the
 * config, for `routebench init`. Every upstream the config names becomes one mock target with the
 * provider and model it names; the strategy maps the config's upstreams onto those targets
 * explicitly, so the scaffolded scenario validates as written.
 */
import type { GatewayKind } from './find-gateway-config.js';

export interface InitTarget {
  id: string;
  provider: string;
  model: string;
}

export interface GatewayPlan {
  targets: InitTarget[];
  /** Options of the strategy (`use: <kind>`), without the config path. */
  options: Record<string, unknown>;
  /** What was derived, for the user (one line each). */
  notes: string[];
}

/** A model per provider for upstreams whose config names none. */
const DEFAULT_MODEL: Record<string, string> = { openai: 'gpt-4o-mini', 'azure-openai': 'gpt-4o-mini', azure: 'gpt-4o-mini', anthropic: 'claude-3-5-haiku', google: 'gemini-2.0-flash', gemini: 'gemini-2.0-flash', 'vertex-ai': 'gemini-2.0-flash' };

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'target';

class TargetSet {
  readonly targets: InitTarget[] = [];
  /** The target for a provider/model pair, created on first use. */
  get(provider: string, model: string): string {
    const same = this.targets.find((t) => t.provider === provider && t.model === model);
    if (same) return same.id;
    // gemini/gemini-2.5-flash → gemini-2-5-flash, not gemini-gemini-2-5-flash
    const base = slug(model.toLowerCase().startsWith(provider.toLowerCase()) ? model : `${provider}-${model}`);
    let id = base;
    for (let i = 2; this.targets.some((t) => t.id === id); i++) id = `${base}-${i}`;
    this.targets.push({ id, provider, model });
    return id;
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const obj = (v: unknown): Record<string, unknown> | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/** Portkey: each leaf of the target tree, keyed the way routebench's portkey strategy looks leaves up. */
function portkeyPlan(config: Record<string, unknown>): GatewayPlan {
  const set = new TargetSet();
  const mapping: Record<string, string> = {};
  const notes: string[] = [];
  const walk = (node: Record<string, unknown>, inheritedModel: string | undefined) => {
    const model = str(obj(node.override_params)?.model) ?? inheritedModel;
    const children = Array.isArray(node.targets) ? node.targets.map(obj).filter((c): c is Record<string, unknown> => c !== undefined) : [];
    if (children.length > 0) {
      for (const c of children) walk(c, model);
      return;
    }
    const provider = str(node.provider);
    const key = str(node.name) ?? str(node.virtual_key) ?? (provider && model ? `${provider}/${model}` : provider);
    if (key === undefined) return;
    const p = provider ?? 'openai';
    const m = model ?? DEFAULT_MODEL[p] ?? 'gpt-4o-mini';
    if (!provider || !model) notes.push(`Portkey target "${key}" names no ${provider ? 'model' : 'provider'}: mocked as ${p}/${m}; change its target if that is wrong`);
    mapping[key] ??= set.get(p, m);
  };
  walk(config, undefined);
  return { targets: set.targets, options: { targets: mapping }, notes };
}

/** LiteLLM: one target per model_list deployment ("openai/gpt-4o-mini" → provider openai, model gpt-4o-mini). */
function litellmPlan(config: Record<string, unknown>): GatewayPlan {
  const set = new TargetSet();
  const deployments: Record<string, string> = {};
  const notes: string[] = [];
  for (const entry of Array.isArray(config.model_list) ? config.model_list : []) {
    const params = obj(obj(entry)?.litellm_params);
    const full = str(params?.model);
    if (!full) continue;
    const cut = full.indexOf('/');
    const provider = cut > 0 ? full.slice(0, cut) : 'openai';
    const model = cut > 0 ? full.slice(cut + 1) : full;
    const key = str(obj(obj(entry)?.model_info)?.id) ?? full;
    deployments[key] ??= set.get(provider, model);
  }
  if (set.targets.length === 0) notes.push('the LiteLLM config has no model_list deployment with litellm_params.model');
  return { targets: set.targets, options: { deployments }, notes };
}

/** OpenRouter: the providers its `order` / `only` lists name (else OpenAI and Azure), each serving `model`. */
function openrouterPlan(config: Record<string, unknown>, model: string): GatewayPlan {
  const provider = obj(config.provider) ?? config;
  const listed = [...(Array.isArray(provider.order) ? provider.order : []), ...(Array.isArray(provider.only) ? provider.only : [])].filter((s): s is string => typeof s === 'string');
  const ignored = new Set((Array.isArray(provider.ignore) ? provider.ignore : []).filter((s): s is string => typeof s === 'string').map((s) => s.toLowerCase()));
  const slugs = [...new Set(listed.map((s) => s.toLowerCase()))].filter((s) => !ignored.has(s));
  const notes = slugs.length === 0 ? [`the provider object names no providers (order/only): ${model} is mocked on openai and azure; add the providers you use as targets`] : [];
  const set = new TargetSet();
  const map: Record<string, string> = {};
  for (const s of slugs.length > 0 ? slugs : ['openai', 'azure']) map[s] = set.get(s, model);
  return { targets: set.targets, options: { model, slugs: map }, notes };
}

export function gatewayPlan(kind: GatewayKind, config: Record<string, unknown>, model: string): GatewayPlan {
  if (kind === 'portkey') return portkeyPlan(config);
  if (kind === 'litellm') return litellmPlan(config);
  return openrouterPlan(config, model);
}
