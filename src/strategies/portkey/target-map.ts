/**
 * Which scenario target a Portkey leaf stands for. With the `targets` option, a leaf is looked up
 * by its place in the config (`config.targets[0].targets[1]`, as Portkey's
 * `x-portkey-last-used-option-index` response header names it; `targets[0].targets[1]` works too),
 * its `name`, `virtual_key`, `provider/model` (model from the inherited `override_params.model`)
 * or `provider`, in that order. The place tells apart two leaves that name the same provider and
 * model with different keys (two accounts, two regions). Without a mapping entry it is the one
 * scenario target whose provider and model match (model only when the config sets one). No match,
 * or several, is a problem located at the leaf.
 */
import { formatPath } from '../../scenario/format-issues.js';
import type { PathSegment } from '../../scenario/yaml-source.js';
import type { StrategyInit } from '../strategy.js';
import type { Report } from './query.js';

export interface LeafIdentity {
  name?: string;
  virtualKey?: string;
  provider?: string;
  model?: string;
}

export interface TargetMap {
  resolve(leaf: LeafIdentity, path: readonly PathSegment[]): number;
  /** Reports mapping keys no leaf used. Call after every leaf is resolved. */
  reportUnused(): void;
}

/** A leaf's place in the config as Portkey's `x-portkey-last-used-option-index` header names it: `config.targets[1].targets[0]`. */
export const leafKey = (path: readonly PathSegment[]) => (path.length === 0 ? 'config' : `config.${formatPath(path)}`);

const keysOf = (l: LeafIdentity, path: readonly PathSegment[]) =>
  [leafKey(path), l.name, l.virtualKey, l.provider !== undefined && l.model !== undefined ? `${l.provider}/${l.model}` : undefined, l.provider].filter((k): k is string => k !== undefined);

export function createTargetMap(mapping: Readonly<Record<string, string>> | undefined, init: StrategyInit, report: Report): TargetMap {
  const mapped = new Map<string, number>();
  // `targets[1]` is accepted for `config.targets[1]`
  const keyOf = (key: string) => (key.startsWith('targets[') ? `config.${key}` : key);
  const written = new Map<string, string>();
  for (const [key, id] of Object.entries(mapping ?? {})) {
    mapped.set(keyOf(key), init.resolveTarget(id, ['targets', key]));
    written.set(keyOf(key), key);
  }
  const used = new Set<string>();
  const describe = (t: { id: string; provider: string; model: string }) => `${t.id} (${t.provider}/${t.model})`;
  return {
    resolve(leaf, path) {
      const keys = keysOf(leaf, path);
      for (const k of keys) {
        const index = mapped.get(k);
        if (index !== undefined) {
          used.add(k);
          return index;
        }
      }
      const hint = `map it with the option targets: { "${keys[1] ?? keys[0]}": <target id> }`;
      if (leaf.provider === undefined && leaf.model === undefined) {
        report(path, `this Portkey target has no provider or override_params.model to match a scenario target; ${keys.length > 0 ? hint : 'give it a name and map it with the option targets'}`);
        return -1;
      }
      const found = init.targets.filter((t) => (leaf.provider === undefined || t.provider === leaf.provider) && (leaf.model === undefined || t.model === leaf.model));
      if (found.length === 1) return found[0]!.index;
      const what = `the Portkey target with ${[leaf.provider && `provider "${leaf.provider}"`, leaf.model && `model "${leaf.model}"`].filter(Boolean).join(' and ')}`;
      if (found.length === 0) report(path, `${what} matches no scenario target (targets: ${init.targets.map(describe).join(', ')}); ${hint}`);
      else report(path, `${what} matches several scenario targets (${found.map((t) => t.id).join(', ')}); ${hint}`);
      return -1;
    },
    reportUnused() {
      for (const key of mapped.keys())
        if (!used.has(key)) init.problem(['targets', written.get(key)!], `"${written.get(key)}" names no Portkey target (keys are a target's place, e.g. targets[0].targets[1], its name, virtual_key, provider/model or provider)`);
    },
  };
}
