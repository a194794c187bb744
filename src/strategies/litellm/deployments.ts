/**
 * Deployments → scenario targets, and request routes → model groups.
 *
 * A deployment maps to a target by, in order: the strategy option `deployments` (keyed by its
 * place `model_list[2]`, model_info.id or litellm_params.model; the place tells apart deployments
 * of the same model in two regions or accounts, which often have no model_info.id), model_info.id equal to a target id, or the provider and
 * model of litellm_params.model ("openai/gpt-4o-mini" → provider openai, model gpt-4o-mini; a model
 * without a provider prefix matches on the model alone). No match, or several, is a problem.
 *
 * A route picks the group whose model_name equals it, else a model_group_alias, else a group named
 * with `*` wildcards that matches it, else the option `default_group`, else the first group in
 * model_list order. (LiteLLM itself answers an unknown model with a 400; a replayed trace's routes
 * rarely spell the proxy's group names, so routebench routes them instead.)
 */
import { unknownNameMessage } from '../../scenario/suggest.js';
import type { StrategyInit, TargetInfo } from '../strategy.js';
import type { Path } from './config-read.js';
import type { DeploymentSpec, LiteConfig } from './config.js';

/** Maps every deployment to a target index (-1 when it matches none; a problem was recorded). */
export function mapDeployments(
  config: LiteConfig,
  explicit: Readonly<Record<string, string>> | undefined,
  init: StrategyInit,
  report: (path: Path, message: string) => void,
): number[] {
  const targets = init.targets;
  const used = new Set<string>();
  const out = config.deployments.map((d) => {
    const place = `model_list[${d.index}]`;
    const key = explicit && (place in explicit ? place : d.id !== undefined && d.id in explicit ? d.id : d.model in explicit ? d.model : undefined);
    if (key !== undefined) {
      used.add(key);
      return init.resolveTarget(explicit![key]!, ['deployments', key]);
    }
    const byId = d.id === undefined ? undefined : targets.find((t) => t.id === d.id);
    if (byId) return byId.index;
    const matches = targets.filter((t) => t.model === d.bareModel && (d.provider === undefined || t.provider === d.provider));
    if (matches.length === 1) return matches[0]!.index;
    report([...d.path, 'litellm_params', 'model'], noMatchMessage(d, matches, targets));
    return -1;
  });
  for (const key of Object.keys(explicit ?? {}))
    if (!used.has(key)) init.problem(['deployments', key], `"${key}" is neither a deployment's place (model_list[0]), model_info.id nor litellm_params.model in the config`);
  const ids = new Map<string, number>();
  for (const d of config.deployments) {
    if (d.id === undefined) continue;
    if (ids.has(d.id)) report([...d.path, 'model_info', 'id'], `model_info.id "${d.id}" is also used by model_list[${ids.get(d.id)}]`);
    else ids.set(d.id, d.index);
  }
  return out;
}

function noMatchMessage(d: DeploymentSpec, matches: readonly TargetInfo[], targets: readonly TargetInfo[]): string {
  const who = `deployment ${d.id !== undefined ? `"${d.id}" ` : ''}(${d.model})`;
  const fix = `map it with the strategy option deployments: { "${d.id ?? d.model}": <target id> }`;
  if (matches.length > 1) return `${who} matches several scenario targets (${matches.map((t) => t.id).join(', ')}); ${fix}`;
  const names = targets.map((t) => `${t.provider}/${t.model}`);
  const hint = unknownNameMessage('target', d.provider ? `${d.provider}/${d.bareModel}` : d.bareModel, names).replace(/^unknown target "[^"]*"/, '');
  return `${who} matches no scenario target (by model_info.id, or provider and model)${hint}; ${fix}`;
}

/** Route → group index, memoised (a run sees few distinct routes). */
export class GroupResolver {
  private readonly memo = new Map<string, number>();
  private readonly wildcards: { re: RegExp; group: number }[];

  constructor(private readonly groups: readonly string[], private readonly aliases: ReadonlyMap<string, string>, private readonly fallbackGroup: number) {
    this.wildcards = groups.flatMap((g, i) =>
      g.includes('*') ? [{ re: new RegExp(`^${g.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`), group: i }] : [],
    );
  }

  groupOf(route: string): number {
    let g = this.memo.get(route);
    if (g === undefined) {
      g = this.groups.indexOf(route);
      if (g < 0) {
        const alias = this.aliases.get(route);
        g = alias === undefined ? -1 : this.groups.indexOf(alias);
      }
      if (g < 0) g = this.wildcards.find((w) => w.re.test(route))?.group ?? this.fallbackGroup;
      this.memo.set(route, g);
    }
    return g;
  }
}
