/**
 * `routebench init` for OpenRouter: a provider-routing object (`order`, `only`, `sort`, ...) or a
 * request body holding one (`model`, `models`, `provider`), as in
 * https://openrouter.ai/docs/features/provider-routing and
 * https://openrouter.ai/docs/features/model-routing. Each model (the request's `model`, then its
 * `models` fallbacks) is mocked on each provider the object names; providers it `ignore`s are
 * mocked too, so the ignore list has something to keep out, and left out of the direct fallback.
 */
import { obj, str, TargetSet, type GatewayPlan, type PriceTable } from './gateway-targets.js';
import { nounFor } from '../plural.js';

/**
 * Providers that serve only their own models (OpenRouter model ids are `author/model`): OpenAI's
 * endpoint never serves anthropic/claude-3.5-sonnet. Other providers (together, deepinfra, bedrock,
 * google-vertex, ...) host many authors' models and are mocked with every model.
 */
const ONLY_AUTHORS: Record<string, readonly string[]> = {
  openai: ['openai'],
  azure: ['openai'],
  anthropic: ['anthropic'],
  'google-ai-studio': ['google'],
  mistral: ['mistralai'],
  deepseek: ['deepseek'],
  xai: ['x-ai'],
  cohere: ['cohere'],
};
const serves = (slug: string, model: string) => {
  const authors = ONLY_AUTHORS[slug];
  const cut = model.indexOf('/');
  return authors === undefined || cut < 0 || authors.includes(model.slice(0, cut).toLowerCase());
};

const strings = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && s !== '') : []);

/** Is this OpenRouter JSON a request body (model / models / provider) rather than a provider object? */
export const isRequestBody = (o: Record<string, unknown>) => 'provider' in o || 'model' in o || 'models' in o;

export function openrouterPlan(config: Record<string, unknown>, cliModel: string | undefined, prices: PriceTable): GatewayPlan {
  const body = isRequestBody(config);
  const provider = (body ? obj(config.provider) : config) ?? {};
  const fileModels = body ? [...new Set([str(config.model), ...strings(config.models)].filter((m): m is string => m !== undefined))] : [];
  const models = fileModels.length > 0 ? fileModels : [cliModel ?? 'gpt-4o-mini'];
  const notes: string[] = [];
  if (fileModels.length > 0 && cliModel !== undefined && cliModel !== fileModels[0]) notes.push(`--model ${cliModel} is not used: the file requests ${fileModels[0]}`);
  const ignored = [...new Set(strings(provider.ignore).map((s) => s.toLowerCase()))];
  const listed = [...new Set([...strings(provider.order), ...strings(provider.only)].map((s) => s.toLowerCase()))].filter((s) => !ignored.includes(s));
  const slugs = listed.length > 0 ? listed : ['openai', 'azure'];
  if (listed.length === 0) notes.push(`the provider object names no providers (order/only): ${models.join(', ')} ${models.length === 1 ? 'is' : 'are'} mocked on openai and azure; add the providers you use as targets`);
  const skipped = models.flatMap((m) => slugs.filter((sl) => !serves(sl, m)).map((sl) => `${m} on ${sl}`));
  if (skipped.length > 0) notes.push(`not mocked (the provider serves only its own models): ${skipped.join(', ')}`);
  if (models.length > 1 || slugs.length > 1) notes.push(`each model is mocked on every provider the object names that may serve it; remove the targets of providers that do not serve a model`);
  if (ignored.length > 0) notes.push(`ignored ${nounFor(ignored.length, 'provider')} ${ignored.join(', ')} mocked too, so the ignore list has something to keep out (left out of direct-fallback)`);
  const set = new TargetSet(prices);
  const map: Record<string, string[]> = {};
  const notDirect: string[] = [];
  // model by model, as OpenRouter tries them (and the direct fallback follows): each model on every provider, then the next model
  for (const [list, skip] of [[slugs, false], [ignored, true]] as const)
    for (const m of models)
      for (const s of list) {
        if (!skip && !serves(s, m)) continue; // an ignored provider is mocked with every model: it never serves anyway
        const id = set.add(s, m, `${s}-${m.slice(m.lastIndexOf('/') + 1)}`);
        (map[s] ??= []).push(id);
        if (skip) notDirect.push(id);
      }
  // A model none of the named providers may serve still needs an endpoint for the strategy to know
  // it: its author's own (OpenRouter then skips it when only/order/allow_fallbacks exclude that).
  for (const m of models) {
    if (slugs.some((sl) => serves(sl, m))) continue;
    const author = m.slice(0, Math.max(0, m.indexOf('/'))).toLowerCase();
    const own = Object.entries(ONLY_AUTHORS).find(([, a]) => a.length === 1 && a[0] === author)?.[0] ?? slugs[0]!;
    (map[own] ??= []).push(set.add(own, m, `${own}-${m.slice(m.lastIndexOf('/') + 1)}`));
    notes.push(`no provider the object names serves ${m}: mocked on ${own}`);
  }
  const slugMap = Object.fromEntries(Object.entries(map).map(([s, ids]) => [s, ids.length === 1 ? ids[0]! : ids]));
  return { targets: set.targets, options: { ...(fileModels.length === 0 && { model: models[0] }), slugs: slugMap }, notes, notDirect };
}
