/**
 * model_list entries: `{model_name, litellm_params: {model, rpm, tpm, weight, order,
 * max_parallel_requests, timeout, stream_timeout, cooldown_time, input/output_cost_per_token, ...},
 * model_info: {id, max_input_tokens}}` (gateways.md §2.3 "Shape"). Other litellm_params are provider
 * parameters (api_key, api_base, temperature, ...) and are ignored; seconds become milliseconds.
 */
import * as K from './config-keys.js';
import { isObj, type ConfigReader, type Obj, type Path } from './config-read.js';

export interface DeploymentSpec {
  readonly index: number;
  readonly path: Path;
  readonly group: string;
  /** litellm_params.model, e.g. "openai/gpt-4o-mini". */
  readonly model: string;
  readonly provider: string | undefined;
  readonly bareModel: string;
  readonly id: string | undefined;
  /** model_info.id, else litellm_params.model: how reasons name it. */
  readonly name: string;
  readonly weight?: number;
  readonly rpm?: number;
  readonly tpm?: number;
  readonly order?: number;
  readonly maxParallel?: number;
  readonly timeoutMs?: number;
  readonly streamTimeoutMs?: number;
  readonly cooldownMs?: number;
  readonly inputCostPerToken?: number;
  readonly outputCostPerToken?: number;
  readonly maxInputTokens?: number;
}

export function readModelList(r: ConfigReader, v: unknown): DeploymentSpec[] {
  if (!Array.isArray(v) || v.length === 0) {
    r.report(['model_list'], 'model_list must be a non-empty list of deployments ({model_name, litellm_params: {model, ...}})');
    return [];
  }
  const out: DeploymentSpec[] = [];
  v.forEach((entry, index) => {
    const path: Path = ['model_list', index];
    if (!isObj(entry)) return r.report(path, 'a deployment must be a mapping {model_name, litellm_params}');
    r.keys(entry, path, 'deployment', K.DEPLOYMENT_KEYS, [], {});
    const group = r.str(entry.model_name, [...path, 'model_name'], 'model_name');
    const lp = r.obj(entry.litellm_params, [...path, 'litellm_params'], 'litellm_params');
    if (group === undefined || lp === undefined) {
      if (entry.model_name === undefined) r.report(path, 'a deployment needs model_name');
      if (entry.litellm_params === undefined) r.report(path, 'a deployment needs litellm_params with model');
      return;
    }
    const spec = readDeployment(r, index, path, group, lp, r.obj(entry.model_info, [...path, 'model_info'], 'model_info') ?? {});
    if (spec) out.push(spec);
  });
  return out;
}

function readDeployment(r: ConfigReader, index: number, path: Path, group: string, lp: Obj, mi: Obj): DeploymentSpec | undefined {
  const at = (k: string): Path => [...path, 'litellm_params', k];
  r.keys(lp, [...path, 'litellm_params'], 'litellm_params', K.PARAM_KEYS, K.PARAM_INERT, K.PARAM_UNSUPPORTED, true);
  r.keys(mi, [...path, 'model_info'], 'model_info', ['id', 'max_input_tokens', 'rpm', 'tpm'], [], {}, true);
  const model = r.str(lp.model, at('model'), 'litellm_params.model');
  if (model === undefined) {
    if (lp.model === undefined) r.report([...path, 'litellm_params'], 'litellm_params needs model, e.g. openai/gpt-4o-mini');
    return undefined;
  }
  const maxRetries = r.num(lp.max_retries, at('max_retries'), 'max_retries', { min: 0, int: true });
  if (maxRetries !== undefined && maxRetries > 0)
    r.unsupported(at('max_retries'), 'max_retries > 0 retries inside one deployment call (the provider SDK), which routebench does not reproduce (router_settings.num_retries is)');
  const explicitProvider = r.str(lp.custom_llm_provider, at('custom_llm_provider'), 'custom_llm_provider');
  const slash = model.indexOf('/');
  const id = r.str(mi.id, [...path, 'model_info', 'id'], 'model_info.id');
  const num = (k: string, o: { int?: boolean; positive?: boolean } = {}) => r.num(lp[k], at(k), k, { min: 0, ...o });
  return {
    index,
    path,
    group,
    model,
    provider: explicitProvider ?? (slash > 0 ? model.slice(0, slash) : undefined),
    bareModel: explicitProvider === undefined && slash > 0 ? model.slice(slash + 1) : model,
    id,
    name: id ?? model,
    weight: num('weight'),
    rpm: num('rpm') ?? r.num(mi.rpm, [...path, 'model_info', 'rpm'], 'rpm', { min: 0 }),
    tpm: num('tpm') ?? r.num(mi.tpm, [...path, 'model_info', 'tpm'], 'tpm', { min: 0 }),
    order: num('order'),
    maxParallel: num('max_parallel_requests', { int: true, positive: true }),
    timeoutMs: r.seconds(lp.timeout, at('timeout'), 'timeout', { positive: true }),
    streamTimeoutMs: r.seconds(lp.stream_timeout, at('stream_timeout'), 'stream_timeout', { positive: true }),
    cooldownMs: r.seconds(lp.cooldown_time, at('cooldown_time'), 'cooldown_time'),
    inputCostPerToken: num('input_cost_per_token'),
    outputCostPerToken: num('output_cost_per_token'),
    maxInputTokens: r.num(mi.max_input_tokens, [...path, 'model_info', 'max_input_tokens'], 'max_input_tokens', { positive: true }),
  };
}
