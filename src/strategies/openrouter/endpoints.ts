/**
 * Which scenario targets are OpenRouter endpoints for this request, and which survive the hard
 * filters (`only`, `ignore`, `max_price`, model list). Resolved once, in `create`.
 *
 * An endpoint's slug is its target's `provider` (or the `slugs` mapping); its model is the
 * target's `model`. Slugs compare case-insensitively; a base slug (`google-vertex`) matches its
 * variants (`google-vertex/us-east5`) but not service-tier endpoints (`openai/flex`), which are
 * eligible only when `order` or `only` names them exactly.
 */
import { unknownNameMessage } from '../../scenario/suggest.js';
import type { StrategyInit } from '../strategy.js';
import type { OpenrouterOptions, ProviderObject, Report } from './provider-schema.js';

export interface Endpoint {
  readonly target: number;
  readonly slug: string;
  readonly model: string;
  /** Index of its model in the model list (0 without one). */
  readonly group: number;
  /** Index of the first `order` entry naming it, or -1. */
  readonly orderRank: number;
}

export interface EndpointSet {
  readonly endpoints: readonly Endpoint[];
  /** Models in fallback order ([] without `model` / `models`). */
  readonly models: readonly string[];
  /** Set when no endpoint survives the filters: the request fails with this reason. */
  readonly emptyReason: string | undefined;
}

const TIERS = new Set(['priority', 'flex', 'fast']);
const isTier = (slug: string) => slug.includes('/') && TIERS.has(slug.slice(slug.lastIndexOf('/') + 1));

/** Does `requested` (from order/only/ignore) name the endpoint slug `slug`? */
export function slugMatches(requested: string, slug: string, exactOnly = false): boolean {
  const r = requested.toLowerCase();
  const s = slug.toLowerCase();
  return s === r || (!exactOnly && !isTier(s) && s.startsWith(`${r}/`));
}

export function resolveEndpoints(options: OpenrouterOptions, provider: ProviderObject, init: StrategyInit, reportProvider: Report): EndpointSet {
  const universe = endpointUniverse(options, init);
  const known = [...new Set(universe.map((u) => u.slug))];
  for (const key of ['order', 'only', 'ignore'] as const) {
    provider[key]?.forEach((s, i) => {
      if (!universe.some((u) => slugMatches(s, u.slug))) reportProvider([key, i], unknownNameMessage('provider slug', s, known));
    });
  }
  const models = [...new Set([options.model, ...(options.models ?? [])].filter((m): m is string => m !== undefined))];
  const knownModels = [...new Set(universe.map((u) => init.targets[u.target]!.model))];
  if (options.model !== undefined && !knownModels.includes(options.model)) init.problem(['model'], unknownNameMessage('model', options.model, knownModels));
  options.models?.forEach((m, i) => {
    if (!knownModels.includes(m)) init.problem(['models', i], unknownNameMessage('model', m, knownModels));
  });

  const order = provider.order ?? [];
  const named = [...order, ...(provider.only ?? [])];
  const maxPrompt = usd(provider.max_price?.prompt);
  const maxCompletion = usd(provider.max_price?.completion);
  const endpoints: Endpoint[] = [];
  let afterModels = 0;
  let afterSlugs = 0;
  for (const { target, slug } of universe) {
    const t = init.targets[target]!;
    const group = models.length === 0 ? 0 : models.indexOf(t.model);
    if (group < 0) continue;
    afterModels++;
    if (provider.only && !provider.only.some((s) => slugMatches(s, slug))) continue;
    if (provider.ignore?.some((s) => slugMatches(s, slug))) continue;
    if (isTier(slug.toLowerCase()) && !named.some((s) => slugMatches(s, slug, true))) continue;
    afterSlugs++;
    // max_price.request / image / audio: mock endpoints charge none of these, so every one passes.
    if (t.price.input > maxPrompt || t.price.output > maxCompletion) continue;
    endpoints.push({ target, slug, model: t.model, group, orderRank: order.findIndex((s) => slugMatches(s, slug)) });
  }
  const emptyReason =
    endpoints.length > 0
      ? undefined
      : afterModels === 0
        ? 'openrouter: no endpoint serves the requested models'
        : afterSlugs === 0
          ? 'openrouter: no endpoint left after provider.only / provider.ignore'
          : 'openrouter: no endpoint within provider.max_price';
  return { endpoints, models, emptyReason };
}

/** Every target OpenRouter may route to, with its slug: the `slugs` mapping, or every target. */
function endpointUniverse(options: OpenrouterOptions, init: StrategyInit): { target: number; slug: string }[] {
  if (options.slugs === undefined) return init.targets.map((t) => ({ target: t.index, slug: t.provider }));
  const out: { target: number; slug: string }[] = [];
  const seen = new Map<number, string>();
  for (const [slug, ids] of Object.entries(options.slugs)) {
    const list = typeof ids === 'string' ? [ids] : ids;
    list.forEach((id, i) => {
      const path = typeof ids === 'string' ? ['slugs', slug] : ['slugs', slug, i];
      const target = init.resolveTarget(id, path);
      if (init.targets[target]!.id !== id) return; // unknown id: reported by resolveTarget
      const before = seen.get(target);
      if (before !== undefined) return init.problem(path, `target "${id}" is already mapped to slug "${before}"`);
      seen.set(target, slug);
      out.push({ target, slug });
    });
  }
  return out.sort((a, b) => a.target - b.target);
}

function usd(v: number | string | null | undefined): number {
  return v === null || v === undefined ? Infinity : Number(v);
}
