/**
 * `routebench init` for a LiteLLM proxy config: one mock target per upstream (two deployments of one
 * model in two regions, or with two keys, are two targets; the same model, key and endpoint listed
 * under two model_names, an alias group, is one). A deployment is mapped by its model_info.id, else by its
 * litellm_params.model when no other deployment has the same, else by its place (model_list[2]).
 * Config shape: https://docs.litellm.ai/docs/proxy/configs
 */
import { DEFAULT_MODEL, obj, str, TargetSet, type GatewayPlan, type PriceTable } from './gateway-targets.js';

export function litellmPlan(config: Record<string, unknown>, prices: PriceTable): GatewayPlan {
  const set = new TargetSet(prices);
  const deployments: Record<string, string> = {};
  const notes: string[] = [];
  const list = Array.isArray(config.model_list) ? config.model_list : [];
  const upstream = new Map<string, string>();
  const models = list.map((e) => str(obj(obj(e)?.litellm_params)?.model));
  list.forEach((entry, i) => {
    const e = obj(entry);
    const params = obj(e?.litellm_params);
    const full = models[i];
    if (!full) return;
    const info = obj(e?.model_info);
    const id = str(info?.id);
    const group = str(e?.model_name);
    const explicit = str(params?.custom_llm_provider);
    const cut = full.indexOf('/');
    const provider = explicit ?? (cut > 0 ? full.slice(0, cut) : 'openai');
    let model = explicit === undefined && cut > 0 ? full.slice(cut + 1) : full;
    const place = `model_list[${i}]`;
    if (model.includes('*')) {
      const stand = DEFAULT_MODEL[provider] ?? 'gpt-4o-mini';
      notes.push(`${place} (${full}) is a wildcard deployment: it serves any ${full.replace('*', '<model>')} request; mocked as ${provider}/${stand}`);
      model = stand;
    }
    // LiteLLM prices an Azure deployment (named by its deployment name) by model_info.base_model.
    const candidates = [str(info?.base_model), group].filter((c): c is string => c !== undefined);
    // Same model, key and endpoint under two model_names (an alias group) is one upstream: one target.
    const identity = JSON.stringify([full, params?.api_base, params?.api_key, params?.api_version, explicit, params?.aws_region_name, params?.vertex_location]);
    const target = upstream.get(identity) ?? set.add(provider, model, undefined, candidates);
    upstream.set(identity, target);
    const key = id ?? (models.filter((m) => m === full).length === 1 ? full : place);
    deployments[key] = target;
  });
  if (set.targets.length === 0) notes.push('the LiteLLM config has no model_list deployment with litellm_params.model');
  const groups = [...new Set(list.map((e) => str(obj(e)?.model_name)).filter((g): g is string => g !== undefined && !g.includes('*')))];
  if (groups.length > 1)
    notes.push(`synthetic requests ask for model group "${groups[0]}" (traffic.synthetic.route); ${groups.slice(1).map((g) => `"${g}"`).join(', ')} ${groups.length === 2 ? 'is' : 'are'} reached only through fallbacks, if any: change the route to measure another group`);
  return { targets: set.targets, options: { deployments }, notes, ...(groups[0] !== undefined && { traffic: { route: groups[0] } }) };
}
