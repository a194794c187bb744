/**
 * `routebench init` for a Portkey config: every leaf of the target tree becomes a mock target.
 * Leaves are mapped by what the portkey strategy looks them up by (target-map.ts): their `name`,
 * `virtual_key`, `provider/model` or `provider` when that key is theirs alone, else their place
 * (`config.targets[0].targets[1]`, as Portkey's `x-portkey-last-used-option-index` names it). Two
 * leaves share a target only when they are the same upstream: same key, provider, model, API key
 * and host. Config shapes: https://portkey.ai/docs/api-reference/inference-api/config-object
 */
import { leafKey } from '../strategies/portkey/target-map.js';
import type { PathSegment } from '../scenario/yaml-source.js';
import { DEFAULT_MODEL, obj, providerIn, str, TargetSet, type GatewayPlan, type PriceTable } from './gateway-targets.js';

interface Leaf {
  place: string;
  /** The key the strategy finds it by without a mapping entry for its place. */
  key: string | undefined;
  /** Same upstream ⇔ same identity. */
  identity: string;
  provider: string;
  model: string;
  hint: string | undefined;
}

/** A Model Catalog model "@openai-prod/gpt-4o" names its provider slug first: the model is after it. */
const bareModel = (m: string) => m.replace(/^@[^/]+\//, '');

export function portkeyPlan(config: Record<string, unknown>, prices: PriceTable): GatewayPlan {
  const leaves: Leaf[] = [];
  const notes: string[] = [];
  const walk = (node: Record<string, unknown>, path: PathSegment[], inheritedModel: string | undefined) => {
    const own = obj(node.override_params);
    const at = leafKey(path);
    // model picks the target and max_tokens / max_completion_tokens cap the output (the strategy
    // applies them); n and stream the strategy names itself; the rest change only the text
    const other = Object.keys(own ?? {}).filter((k) => !['model', 'max_tokens', 'max_completion_tokens', 'n', 'stream'].includes(k));
    if (other.length > 0) notes.push(`${at}.override_params ${other.join(', ')} not modelled: they change the answer's text, not its token counts or timing`);
    const cache = obj(node.cache);
    if (cache?.mode === 'simple') notes.push(`${at}.cache (simple) not replayed: a cache hit never reaches a provider, and synthetic requests never repeat`);
    const model = own && Object.hasOwn(own, 'model') ? str(own.model) : inheritedModel;
    const children = Array.isArray(node.targets) ? node.targets : [];
    // as the strategy compiles it: a node with strategy.mode is a group (even an empty one), else a leaf
    if (obj(node.strategy)?.mode !== undefined) {
      children.forEach((c, i) => {
        const child = obj(c);
        if (child) walk(child, [...path, 'targets', i], model);
      });
      return;
    }
    const place = leafKey(path);
    const provider = str(node.provider);
    const vk = str(node.virtual_key);
    const key = str(node.name) ?? vk ?? (provider && model ? `${provider}/${model}` : provider);
    const named = provider?.startsWith('@') ? provider.slice(1) : provider;
    const guessed = provider && !provider.startsWith('@') ? provider : providerIn(named ?? vk ?? str(node.name) ?? '');
    const p = guessed ?? 'openai';
    const m = model ? bareModel(model) : (DEFAULT_MODEL[p] ?? 'gpt-4o-mini');
    const who = `Portkey target ${place}${key ? ` ("${key}")` : ''}`;
    if (!guessed) notes.push(`${who} does not say its provider: mocked as ${p}; change its target's provider if that is wrong`);
    else if (!provider || provider.startsWith('@')) notes.push(`${who}: provider ${p}, read from its ${provider ? 'provider slug' : vk ? 'virtual key' : 'name'}; change its target's provider if that is wrong`);
    if (!model) notes.push(`${who} names no model (override_params.model): mocked as ${m}; the gateway sends the request's own model`);
    if (typeof node.weight === 'number' && node.weight === 0) notes.push(`${who} has weight 0: loadbalance never picks it`);
    const identity = JSON.stringify([key, provider, model, node.api_key, node.custom_host]);
    leaves.push({ place, key, identity, provider: p, model: m, hint: vk ?? (named && named !== provider ? named : undefined) });
  };
  walk(config, [], undefined);
  const tags = conditionTags(config);
  if (Object.keys(tags).length > 0)
    notes.push(
      `conditional routing: synthetic requests carry ${Object.entries(tags)
        .map(([k, v]) => `${k} ${Object.keys(v).join('|')}`)
        .join(', ')} evenly (traffic.synthetic.tags, the x-portkey-metadata of a replay), so every condition and the default are exercised; set the mix to your traffic's`,
    );

  const set = new TargetSet(prices);
  const mapping: Record<string, string> = {};
  const targetOf = new Map<string, string>();
  for (const leaf of leaves) {
    let id = targetOf.get(leaf.identity);
    if (id === undefined) {
      id = set.add(leaf.provider, leaf.model, leaf.hint);
      targetOf.set(leaf.identity, id);
    }
    const sharedKey = leaf.key !== undefined && leaves.every((o) => o.key !== leaf.key || o.identity === leaf.identity);
    mapping[sharedKey ? leaf.key! : leaf.place] = id;
  }
  return { targets: set.targets, options: { targets: mapping }, notes, ...(Object.keys(tags).length > 0 && { traffic: { tags } }) };
}

/**
 * The metadata values conditions test (`{"metadata.tier": "pro"}`, `$eq`, `$in`, inside `$and` /
 * `$or`), each weighted 1, plus "other" for the default branch: the tag mix that reaches them all.
 * Query syntax: https://portkey.ai/docs/product/ai-gateway/conditional-routing
 */
function conditionTags(config: Record<string, unknown>): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  const add = (key: string, v: unknown) => {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') (out[key] ??= {})[String(v)] = 1;
  };
  const query = (q: unknown) => {
    const o = obj(q);
    if (!o) return;
    for (const [k, v] of Object.entries(o)) {
      if ((k === '$and' || k === '$or') && Array.isArray(v)) v.forEach(query);
      else if (k.startsWith('metadata.') && k.split('.').length === 2) {
        const ops = obj(v);
        if (!ops) add(k.slice(9), v);
        else {
          add(k.slice(9), ops.$eq);
          if (Array.isArray(ops.$in)) ops.$in.forEach((x) => add(k.slice(9), x));
        }
      }
    }
  };
  const walk = (node: Record<string, unknown>) => {
    const conditions = obj(node.strategy)?.conditions;
    if (Array.isArray(conditions)) conditions.forEach((c) => query(obj(c)?.query));
    if (Array.isArray(node.targets)) node.targets.forEach((t) => obj(t) && walk(obj(t)!));
  };
  walk(config);
  for (const values of Object.values(out)) values.other = 1;
  return out;
}
