/**
 * Finds a team's gateway config in their repository for `routebench init`: a Portkey config
 * (JSON with `targets` or `strategy`), a LiteLLM proxy config (YAML with `model_list`) or an
 * OpenRouter provider-routing object (JSON with keys such as `order`, `sort`, `only`), by common
 * file names in the repository root and in config/, configs/, gateway/ and deploy/.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { readConfigFileAt } from '../scenario/config-file.js';

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

/** Each kind's product name with its article, for messages. */
export const A_KIND: Record<GatewayKind, string> = { portkey: 'a Portkey', litellm: 'a LiteLLM', openrouter: 'an OpenRouter' };

/** What each kind's config holds, for the message when a file named like one does not. */
export const SHAPE: Record<GatewayKind, string> = {
  portkey: 'expected a JSON object with targets or strategy',
  litellm: 'expected a YAML object with model_list',
  openrouter: 'expected an OpenRouter provider object (order, only, sort, ...)',
};

const OPENROUTER_KEYS = ['order', 'only', 'ignore', 'sort', 'allow_fallbacks', 'max_price', 'preferred_max_latency', 'preferred_min_throughput', 'data_collection', 'require_parameters', 'quantizations'];

/** Reads a config file as an object, or undefined when it is not one. */
export function readConfigObject(file: string): Record<string, unknown> | undefined {
  const r = readConfig(file);
  return 'object' in r ? r.object : undefined;
}

/** A config file as an object, or why it is not one (unreadable, not JSON/YAML, not an object). */
function readConfig(file: string): { object: Record<string, unknown> } | { why: string } {
  const read = readConfigFileAt(path.resolve(file));
  const bad = read.invalid;
  if (bad !== undefined) return { why: `cannot be read as ${bad.format} (${bad.line !== undefined ? `line ${bad.line}, column ${bad.col ?? 1}: ` : ''}${bad.message})` };
  if (read.error !== undefined) return { why: 'cannot be read' };
  const v = read.value;
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? { object: v as Record<string, unknown> } : { why: 'is not an object' };
}

/** A file named like a gateway config that init did not use, and why. */
export interface PassedOver {
  kind: GatewayKind;
  file: string;
  why: string;
}

/** Does this object look like a config of that kind? */
export function looksLike(kind: GatewayKind, o: Record<string, unknown>): boolean {
  if (kind === 'portkey') return Array.isArray(o.targets) || (typeof o.strategy === 'object' && o.strategy !== null) || typeof o.provider === 'string';
  if (kind === 'litellm') return Array.isArray(o.model_list);
  const inner = typeof o.provider === 'object' && o.provider !== null ? (o.provider as Record<string, unknown>) : o;
  return OPENROUTER_KEYS.some((k) => k in inner);
}

/**
 * Every gateway config found in the repository, in a stable order (kind, then path). Files named
 * like one of a kind (portkey*.json, litellm*.yaml, openrouter*.json; not the generic config.yaml)
 * that are not usable go to `passedOver`, so init can say why it did not use them.
 */
export function findGatewayConfigs(root: string, passedOver: PassedOver[] = []): FoundConfig[] {
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
      const r = readConfig(path.join(dir, name));
      if ('object' in r && looksLike(kind, r.object)) found.push({ kind, file: rel });
      else if (NAMES[kind].test(name)) passedOver.push({ kind, file: rel, why: 'why' in r ? r.why : `does not look like one (${SHAPE[kind]})` });
    }
  }
  return found.sort((a, b) => GATEWAY_KINDS.indexOf(a.kind) - GATEWAY_KINDS.indexOf(b.kind) || a.file.localeCompare(b.file));
}
