/**
 * Finds a team's gateway config in their repository for `routebench init`: a Portkey config
 * (JSON with `targets` or `strategy`), a LiteLLM proxy config (YAML with `model_list`) or an
 * OpenRouter provider-routing object (JSON with keys such as `order`, `sort`, `only`), by common
 * file names in the repository root and in config/, configs/, gateway/ and deploy/.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export const GATEWAY_KINDS = ['portkey', 'litellm', 'openrouter'] as const;
export type GatewayKind = (typeof GATEWAY_KINDS)[number];

export interface FoundConfig {
  kind: GatewayKind;
  /** Path relative to the repository root. */
  file: string;
}

const FOLDERS = ['.', 'config', 'configs', 'gateway', 'deploy'];

/** File-name patterns per kind, most specific first. */
const NAMES: Record<GatewayKind, RegExp> = {
  portkey: /portkey.*\.json$/i,
  litellm: /(litellm.*|proxy_config|proxy-config)\.ya?ml$/i,
  openrouter: /openrouter.*\.json$/i,
};

const OPENROUTER_KEYS = ['order', 'only', 'ignore', 'sort', 'allow_fallbacks', 'max_price', 'preferred_max_latency', 'preferred_min_throughput', 'data_collection', 'require_parameters', 'quantizations'];

/** Reads a config file as an object, or undefined when it is not one. */
export function readConfigObject(file: string): Record<string, unknown> | undefined {
  try {
    const v = parse(readFileSync(file, 'utf8')) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Does this object look like a config of that kind? */
export function looksLike(kind: GatewayKind, o: Record<string, unknown>): boolean {
  if (kind === 'portkey') return Array.isArray(o.targets) || (typeof o.strategy === 'object' && o.strategy !== null) || typeof o.provider === 'string';
  if (kind === 'litellm') return Array.isArray(o.model_list);
  const inner = typeof o.provider === 'object' && o.provider !== null ? (o.provider as Record<string, unknown>) : o;
  return OPENROUTER_KEYS.some((k) => k in inner);
}

/** Every gateway config found in the repository, in a stable order (kind, then path). */
export function findGatewayConfigs(root: string): FoundConfig[] {
  const found: FoundConfig[] = [];
  for (const folder of FOLDERS) {
    const dir = path.join(root, folder);
    if (!existsSync(dir)) continue;
    let names: string[];
    try {
      names = readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isFile())
        .map((d) => d.name)
        .sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const rel = path.posix.join(folder === '.' ? '' : folder, name);
      const kind = GATEWAY_KINDS.find((k) => NAMES[k].test(name)) ?? (/^config\.ya?ml$/i.test(name) ? 'litellm' : undefined);
      if (!kind) continue;
      const o = readConfigObject(path.join(dir, name));
      if (o && looksLike(kind, o)) found.push({ kind, file: rel });
    }
  }
  return found.sort((a, b) => GATEWAY_KINDS.indexOf(a.kind) - GATEWAY_KINDS.indexOf(b.kind) || a.file.localeCompare(b.file));
}
